import { describe, expect, it } from 'vitest';
import { GetProductsResponse } from '@shop/contracts';
import { catalogAnswer, distinctIds, toCatalogProduct } from '../../src/domain/catalog-lookup';
import { storedProduct } from '../fixtures';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';

describe('catalog lookup', () => {
  it('asks for each id once, in the order first asked', () => {
    expect(distinctIds([B, A, B, C, A])).toEqual([B, A, C]);
  });

  it('shows other services a product without its internal attributes, listed while not deleted', () => {
    expect(toCatalogProduct(storedProduct({ productId: A }))).toEqual({
      productId: A,
      name: 'Espresso cup',
      price: { amount: 1450, currency: 'EUR' },
      stock: 12,
      listed: true,
    });
    const { listing: _listing, ...deleted } = storedProduct({ productId: A, deletedAt: '2025-02-01T00:00:00.000Z' });
    expect(toCatalogProduct(deleted).listed).toBe(false);
  });

  it('answers the products found in the order asked, each once, leaving unknown ids out', () => {
    const answer = catalogAnswer([C, A, B, A], [storedProduct({ productId: A }), storedProduct({ productId: C, stock: 0 })]);
    expect(answer.products.map((p) => p.productId)).toEqual([C, A]);
    expect(GetProductsResponse.safeParse(answer).success).toBe(true);
  });
});
