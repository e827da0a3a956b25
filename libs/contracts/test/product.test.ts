import { describe, expect, it } from 'vitest';
import { CreateProductRequest, PageQuery, PRODUCT_NAME_MAX, RegisterRequest, UpdateProductRequest } from '../src';

const valid = { name: 'Mug', description: 'Holds coffee', price: { amount: 1250, currency: 'USD' }, stock: 10 };

describe('product requests', () => {
  it('accepts a valid product and defaults the description', () => {
    expect(CreateProductRequest.parse({ ...valid, description: undefined })).toMatchObject({ description: '' });
  });

  it.each([
    ['negative stock', { stock: -1 }],
    ['fractional stock', { stock: 1.5 }],
    ['fractional price', { price: { amount: 12.5, currency: 'USD' } }],
    ['a name over the limit', { name: 'x'.repeat(PRODUCT_NAME_MAX + 1) }],
    ['a blank name', { name: '   ' }],
    ['an unknown field', { colour: 'red' }],
  ])('rejects %s', (_case, change) => {
    expect(CreateProductRequest.safeParse({ ...valid, ...change }).success).toBe(false);
  });

  it('needs at least one field to update', () => {
    expect(UpdateProductRequest.safeParse({}).success).toBe(false);
    expect(UpdateProductRequest.safeParse({ name: 'Cup' }).success).toBe(true);
  });

  it('refuses stock in an update, pointing to stock adjustments', () => {
    const parsed = UpdateProductRequest.safeParse({ name: 'Cup', stock: 3 });
    expect(parsed.error?.issues).toMatchObject([{ path: ['stock'], message: expect.stringContaining('POST /products/{id}/stock-adjustments') }]);
  });

  it('bounds the page size', () => {
    expect(PageQuery.parse({})).toEqual({ limit: 20 });
    expect(PageQuery.parse({ limit: '5' })).toEqual({ limit: 5 });
    expect(PageQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(PageQuery.safeParse({ limit: '101' }).success).toBe(false);
  });

  it('normalises emails to lower case', () => {
    expect(RegisterRequest.parse({ email: 'Ann@Example.COM', password: 'x', name: 'Ann' }).email).toBe('ann@example.com');
  });
});
