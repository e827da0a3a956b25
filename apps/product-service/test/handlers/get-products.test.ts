import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { GetProductsResponse } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/get-products';
import { service } from '../../src/service';
import { storedProduct, TABLE, TABLE_KEYS, withProductsTable } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'get-products'] });
withProductsTable();
beforeEach(() => {
  for (const product of [mug, cup, gone]) db().put(TABLE, product);
});

const MUG = '11111111-1111-4111-8111-111111111111';
const CUP = '22222222-2222-4222-8222-222222222222';
const GONE = '33333333-3333-4333-8333-333333333333';
const UNKNOWN = '44444444-4444-4444-8444-444444444444';

const mug = storedProduct({ productId: MUG, name: 'Mug', price: { amount: 1299, currency: 'USD' }, stock: 4 });
const cup = storedProduct({ productId: CUP, name: 'Cup', stock: 0 });
const { listing: _listing, ...goneFields } = storedProduct({ productId: GONE, name: 'Old plate' });
const gone = { ...goneFields, deletedAt: '2025-02-01T00:00:00.000Z' };

const getProducts = (payload: unknown) => handler(payload, lambdaContext('get-products'));

describe('product-service/get-products', () => {
  it('is invoked only by the services that price and check carts, and only reads products', () => {
    const fn = service.functions['get-products'];
    expect(fn.triggers).toEqual([
      { type: 'invoke', callers: ['cart-service/add-to-cart', 'cart-service/get-cart', 'cart-service/remove-cart-item', 'order-service/create-order'] },
    ]);
    expect(fn.permissions).toEqual({ tables: { products: ['BatchGetItem'] } });
  });

  it('answers the products asked for, in the order asked, with one strongly consistent BatchGetItem', async () => {
    const answer = await getProducts({ productIds: [MUG, CUP] });

    expect(GetProductsResponse.parse(answer)).toEqual({
      products: [
        { productId: MUG, name: 'Mug', price: { amount: 1299, currency: 'USD' }, stock: 4, listed: true },
        { productId: CUP, name: 'Cup', price: { amount: 1450, currency: 'EUR' }, stock: 0, listed: true },
      ],
    });
    expect(ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input)).toEqual([
      { RequestItems: { [TABLE]: { Keys: [{ productId: MUG }, { productId: CUP }], ConsistentRead: true } } },
    ]);
  });

  it('leaves unknown ids out and answers soft-deleted products as not listed', async () => {
    const answer = await getProducts({ productIds: [UNKNOWN, GONE, MUG] });

    expect(answer.products.map((p) => [p.productId, p.listed])).toEqual([
      [GONE, false],
      [MUG, true],
    ]);
    expect(answer.products[0]).not.toHaveProperty('deletedAt');
  });

  it('asks for a repeated id once and answers it once', async () => {
    const answer = await getProducts({ productIds: [MUG, MUG, MUG] });
    expect(answer.products).toHaveLength(1);
    expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([{ productId: MUG }]);
  });

  it('asks again for the keys DynamoDB left unprocessed', async () => {
    db().leaveUnprocessed(TABLE, { productId: CUP });

    const answer = await getProducts({ productIds: [MUG, CUP] });

    expect(answer.products.map((p) => p.productId)).toEqual([MUG, CUP]);
    expect(ddb.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.[TABLE]).toEqual({
      Keys: [{ productId: CUP }],
      ConsistentRead: true,
    });
  });

  it('fails, rather than leave products out, when keys stay unprocessed', async () => {
    db().leaveUnprocessed(TABLE, { productId: MUG }, Number.MAX_SAFE_INTEGER);
    await expect(getProducts({ productIds: [MUG] })).rejects.toThrow(/unprocessed/);
  });

  it('accepts 100 ids and a correlation id', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    await expect(getProducts({ productIds: ids, correlationId: 'checkout-1' })).resolves.toEqual({ products: [] });
  });

  it.each([
    ['no ids', { productIds: [] }, 'productIds'],
    ['101 ids', { productIds: Array.from({ length: 101 }, () => MUG) }, 'productIds'],
    ['an id that is not a uuid', { productIds: [MUG, 'mug'] }, 'productIds.1'],
    ['no productIds', {}, 'productIds'],
    ['an unknown field', { productIds: [MUG], userId: 'u-1' }, 'userId'],
    ['a payload that is not an object', [MUG], 'payload'],
  ])('throws InvalidRequest naming the field for %s, and reads nothing', async (_case, payload, field) => {
    const error = await getProducts(payload).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidRequest' });
    expect((error as Error).message).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
  });
});
