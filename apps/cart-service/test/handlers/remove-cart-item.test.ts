import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { Cart } from '@shop/contracts';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/remove-cart-item';
import { service } from '../../src/service';
import { ANN, BOB, CART_ID, catalogAnswer, CUP, customer, line, MUG, product, sentPayload, storedCart, TABLE, TABLE_KEYS, withCartEnvironment } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'remove-cart-item'] });
const lambda = mockClient(LambdaClient);
const route = httpRoute(service, 'remove-cart-item');
withCartEnvironment();
beforeEach(() => {
  lambda.reset();
  lambda.on(InvokeCommand).resolves(catalogAnswer([product(CUP, { price: { amount: 450, currency: 'USD' } })]));
});
afterAll(() => {
  lambda.restore();
});

const remove = (productId: string, claims: JwtClaims | null = customer()) =>
  invokeHandler<Cart>(handler, routeEvent(route, { pathParameters: { productId }, ...(claims ? { claims } : {}) }));

describe('DELETE /cart/items/{productId}', () => {
  it('takes the line out and answers the rest of the cart, priced', async () => {
    db().put(TABLE, storedCart([line(MUG, 2), line(CUP, 1)], { version: 6 }));

    const res = await remove(MUG);

    expect(res.status).toBe(200);
    expect(Cart.parse(res.body)).toMatchObject({ cartId: CART_ID, items: [{ productId: CUP, quantity: 1 }], totals: { itemCount: 1, subtotal: { amount: 450, currency: 'USD' } } });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { userId: ANN, cartId: CART_ID, lines: [line(CUP, 1)], updatedAt: expect.any(String), version: 7 },
      ConditionExpression: '#version = :read',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':read': 6 },
    });
    expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(CUP, 1)], version: 7 });
    expect(sentPayload(lambda.commandCalls(InvokeCommand)[0]?.args[0].input ?? {})).toMatchObject({ productIds: [CUP] });
  });

  it('answers an empty cart, without asking the catalogue, once the last line is gone', async () => {
    db().put(TABLE, storedCart([line(MUG, 2)]));
    const res = await remove(MUG);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cartId: CART_ID, revision: 4, items: [], totals: { itemCount: 0, subtotal: { amount: 0, currency: 'USD' } } });
    expect(lambda.calls()).toHaveLength(0);
  });

  it.each([
    ['a product that is not in the cart', [storedCart([line(CUP, 1)])]],
    ['a user without a cart', []],
  ])('answers 404 for %s, and writes nothing', async (_case, stored) => {
    for (const cart of stored) db().put(TABLE, cart);
    const res = await remove(MUG);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'CART_ITEM_NOT_FOUND', message: `Product ${MUG} is not in your cart` } });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(db().items(TABLE)).toEqual(stored);
  });

  it('answers 503 CATALOG_UNAVAILABLE with nothing written when the catalogue cannot price the changed cart: a retry then finds the cart as it was', async () => {
    db().put(TABLE, storedCart([line(MUG, 2), line(CUP, 1)], { version: 6 }));
    lambda.reset();
    lambda.on(InvokeCommand).rejects(new Error('get-products is down'));

    const res = await remove(MUG);

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: 'CATALOG_UNAVAILABLE' } });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(db().get(TABLE, ANN)).toEqual(storedCart([line(MUG, 2), line(CUP, 1)], { version: 6 }));
  });

  it('only ever touches the cart keyed by the token\'s user', async () => {
    db().put(TABLE, storedCart([line(MUG, 1)], { userId: BOB }));
    await remove(MUG, customer(BOB));
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({ userId: BOB });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ userId: BOB });
    expect(db().get(TABLE, BOB)).toMatchObject({ lines: [] });
  });

  it('answers 400 naming productId when it is not a product id, and touches nothing', async () => {
    const res = await remove('mug');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ field: 'productId' }] } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 401 without a signed-in caller and touches nothing', async () => {
    const res = await remove(MUG, null);
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
  });
});
