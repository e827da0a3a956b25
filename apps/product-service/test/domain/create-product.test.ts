import { Id } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { productIdFor, requestHash } from '../../src/domain/create-product';

describe('the product id of an Idempotency-Key', () => {
  it('is a UUID the API takes, the same for the same caller and key, and another for another caller or key', () => {
    const id = productIdFor('user-1', 'key-00000001');
    expect(Id.safeParse(id).success).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(productIdFor('user-1', 'key-00000001')).toBe(id);
    expect(productIdFor('user-2', 'key-00000001')).not.toBe(id);
    expect(productIdFor('user-1', 'key-00000002')).not.toBe(id);
  });
});

describe('what a key remembers of its request', () => {
  const mug = { name: 'Mug', description: 'Stoneware', price: { amount: 1299, currency: 'USD' as const }, stock: 40 };

  it('tells every field of the product apart', () => {
    const hashes = [
      mug,
      { ...mug, name: 'Cup' },
      { ...mug, description: 'Porcelain' },
      { ...mug, price: { amount: 1300, currency: 'USD' as const } },
      { ...mug, price: { amount: 1299, currency: 'EUR' as const } },
      { ...mug, stock: 41 },
    ].map(requestHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(requestHash({ ...mug })).toBe(hashes[0]);
  });
});
