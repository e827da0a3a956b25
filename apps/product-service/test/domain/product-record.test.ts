import { describe, expect, it } from 'vitest';
import { Product } from '@shop/contracts';
import { changedAttributes, newProduct, toProduct, toRecord } from '../../src/domain/product-record';

const now = new Date('2025-03-04T05:06:07.000Z');
const productId = '0d9b7f4e-1111-4a2b-8c3d-123456789abc';

describe('product records', () => {
  it('makes a new product with its id and equal created and updated times', () => {
    const product = newProduct({ name: 'Mug', description: '', price: { amount: 1299, currency: 'EUR' }, stock: 3 }, { productId, now });
    expect(product).toEqual({
      productId,
      name: 'Mug',
      description: '',
      price: { amount: 1299, currency: 'EUR' },
      stock: 3,
      createdAt: '2025-03-04T05:06:07.000Z',
      updatedAt: '2025-03-04T05:06:07.000Z',
    });
    expect(Product.safeParse(product).success).toBe(true);
  });

  it('stores a new product as listed, at version 1, keeping its opening stock as its initial stock', () => {
    const product = newProduct({ name: 'Mug', description: '', price: { amount: 1, currency: 'USD' }, stock: 9 }, { productId, now });
    expect(toRecord(product)).toEqual({ ...product, listing: 'LISTED', version: 1, initialStock: 9 });
  });

  it('answers only the Product attributes of a stored item', () => {
    const product = newProduct({ name: 'Mug', description: 'white', price: { amount: 1, currency: 'USD' }, stock: 0 }, { productId, now });
    const stored = { ...toRecord(product), version: 4, deletedAt: now.toISOString(), internalNote: 'x', price: { ...product.price, legacy: true } };
    expect(toProduct(stored)).toEqual(product);
  });

  it('changes only the given attributes and always the update time', () => {
    expect(changedAttributes({ description: '' }, now)).toEqual({ description: '', updatedAt: now.toISOString() });
    expect(changedAttributes({ name: 'Cup', price: { amount: 5, currency: 'GBP' } }, now)).toEqual({
      name: 'Cup',
      price: { amount: 5, currency: 'GBP' },
      updatedAt: now.toISOString(),
    });
  });
});
