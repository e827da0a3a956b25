import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { Cart } from '@shop/contracts';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/set-cart-item';
import { service } from '../../src/service';
import { ANN, BOB, CART_ID, catalogAnswer, CUP, customer, line, MUG, product, storedCart, TABLE, TABLE_KEYS, withCartEnvironment } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'set-cart-item'] });
const lambda = mockClient(LambdaClient);
const route = httpRoute(service, 'set-cart-item');
withCartEnvironment();
beforeEach(() => {
  lambda.reset();
  lambda.on(InvokeCommand).resolves(
    catalogAnswer([product(MUG, { price: { amount: 1299, currency: 'USD' } }), product(CUP, { price: { amount: 450, currency: 'USD' } })]),
  );
});
afterAll(() => {
  lambda.restore();
});

const set = (productId: string, body: unknown, claims: JwtClaims | null = customer()) =>
  invokeHandler<Cart>(handler, routeEvent(route, { pathParameters: { productId }, body, ...(claims ? { claims } : {}) }));

describe('PUT /cart/items/{productId}', () => {
  it("sets the line's quantity in one conditional write, keeps its place, and answers the cart priced", async () => {
    db().put(TABLE, storedCart([line(MUG, 2), line(CUP, 1)], { version: 6 }));

    const res = await set(MUG, { quantity: 5 });

    expect(res.status).toBe(200);
    expect(Cart.parse(res.body)).toMatchObject({
      cartId: CART_ID,
      revision: 7,
      items: [
        { productId: MUG, quantity: 5 },
        { productId: CUP, quantity: 1 },
      ],
      totals: { itemCount: 6, subtotal: { amount: 5 * 1299 + 450, currency: 'USD' } },
    });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({ ConditionExpression: '#version = :read', ExpressionAttributeValues: { ':read': 6 } });
    expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 5), line(CUP, 1)], version: 7 });
  });

  it('lowers a quantity without the line ever leaving the cart', async () => {
    db().put(TABLE, storedCart([line(MUG, 3)]));
    const res = await set(MUG, { quantity: 1 });
    expect(res.status).toBe(200);
    expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 1)] });
  });

  it('keeps a change to another line that landed between its read and its write', async () => {
    db().put(TABLE, storedCart([line(MUG, 2)], { version: 1 }));
    db().beforeNext(PutCommand, () => db().put(TABLE, storedCart([line(MUG, 2), line(CUP, 4)], { version: 2 })));

    const res = await set(MUG, { quantity: 3 });

    expect(res.status).toBe(200);
    expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 3), line(CUP, 4)], version: 3 });
  });

  it.each([
    ['a product that is not in the cart', [storedCart([line(CUP, 1)])]],
    ['a user without a cart', []],
  ])('answers 404 for %s, and writes nothing', async (_case, stored) => {
    for (const cart of stored) db().put(TABLE, cart);
    const res = await set(MUG, { quantity: 2 });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'CART_ITEM_NOT_FOUND', message: `Product ${MUG} is not in your cart` } });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it.each([
    ['0', { quantity: 0 }, 'quantity'],
    ['100', { quantity: 100 }, 'quantity'],
    ['a fraction', { quantity: 1.5 }, 'quantity'],
    ['a string', { quantity: '2' }, 'quantity'],
    ['no quantity', {}, 'quantity'],
    ['an unknown field', { quantity: 2, price: 1 }, 'price'],
  ])('answers 400 naming the field for %s, and touches nothing', async (_case, body, field) => {
    db().put(TABLE, storedCart([line(MUG, 2)]));
    const res = await set(MUG, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [expect.objectContaining({ field })] } });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 2)] });
  });

  it('answers 503 CATALOG_UNAVAILABLE with nothing written when the catalogue cannot price the changed cart: a retry then finds the cart as it was', async () => {
    db().put(TABLE, storedCart([line(MUG, 2), line(CUP, 1)], { version: 6 }));
    lambda.reset();
    lambda.on(InvokeCommand).rejects(new Error('get-products is down'));

    const res = await set(MUG, { quantity: 5 });

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: 'CATALOG_UNAVAILABLE' } });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(db().get(TABLE, ANN)).toEqual(storedCart([line(MUG, 2), line(CUP, 1)], { version: 6 }));
  });

  it("only ever touches the cart keyed by the token's user", async () => {
    db().put(TABLE, storedCart([line(MUG, 1)]));
    db().put(TABLE, storedCart([line(MUG, 1)], { userId: BOB }));
    await set(MUG, { quantity: 9 }, customer(BOB));
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({ userId: BOB });
    expect(db().get(TABLE, BOB)).toMatchObject({ lines: [line(MUG, 9)] });
    expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 1)] });
  });

  it('answers 401 without a signed-in caller and touches nothing', async () => {
    const res = await set(MUG, { quantity: 2 }, null);
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
  });
});
