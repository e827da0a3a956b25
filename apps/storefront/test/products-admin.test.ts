import type { Product } from '@shop/api-client';
import { describe, expect, it } from 'vitest';
import { holdsChanges } from '../src/admin/products-admin';

const mug: Product = {
  productId: '6f1c3f0e-0000-4000-8000-000000000001',
  name: 'Mug',
  description: 'Glazed, 1 l',
  price: { amount: 2500, currency: 'USD' },
  stock: 4,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:05:00.000Z',
};

describe('a save refused with 412', () => {
  it('went through when the product now holds every change it asked for (the same save, sent again after its answer was lost)', () => {
    expect(holdsChanges(mug, { description: 'Glazed, 1 l', price: { amount: 2500, currency: 'USD' } })).toBe(true);
  });

  it('did not when any change is missing: someone else changed the product, and the form shows theirs', () => {
    expect(holdsChanges(mug, { description: 'Glazed, 1 l', price: { amount: 2600, currency: 'USD' } })).toBe(false);
    expect(holdsChanges(mug, { name: 'Big mug' })).toBe(false);
  });
});
