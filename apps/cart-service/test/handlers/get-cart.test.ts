import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { Cart, Id } from '@shop/contracts';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/get-cart';
import { service } from '../../src/service';
import { ANN, BOB, CART_ID, catalogAnswer, CUP, customer, invokeOutput, line, MUG, PLATE, product, sentPayload, storedCart, TABLE, TABLE_KEYS, withCartEnvironment } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'get-cart'] });
const lambda = mockClient(LambdaClient);
const route = httpRoute(service, 'get-cart');
withCartEnvironment();
beforeEach(() => {
  lambda.reset();
});
afterAll(() => {
  lambda.restore();
});

const getCart = (claims: JwtClaims | null = customer()) => invokeHandler<Cart>(handler, routeEvent(route, claims ? { claims } : {}));

describe('GET /cart', () => {
  it('answers the caller\'s cart priced from the current catalogue', async () => {
    db().put(TABLE, storedCart([line(MUG, 2), line(CUP, 1), line(PLATE, 1)]));
    lambda.on(InvokeCommand).resolves(
      catalogAnswer([product(MUG, { price: { amount: 1500, currency: 'USD' } }), product(CUP, { price: { amount: 450, currency: 'USD' } }), product(PLATE, { listed: false })]),
    );

    const res = await getCart();

    expect(res.status).toBe(200);
    expect(Cart.parse(res.body)).toEqual({
      cartId: CART_ID,
      revision: 3,
      items: [
        { productId: MUG, name: 'Mug', quantity: 2, unitPrice: { amount: 1500, currency: 'USD' }, lineTotal: { amount: 3000, currency: 'USD' }, available: true },
        { productId: CUP, name: 'Cup', quantity: 1, unitPrice: { amount: 450, currency: 'USD' }, lineTotal: { amount: 450, currency: 'USD' }, available: true },
        { productId: PLATE, name: 'Plate', quantity: 1, unitPrice: { amount: 1299, currency: 'USD' }, lineTotal: { amount: 1299, currency: 'USD' }, available: false },
      ],
      totals: { itemCount: 3, subtotal: { amount: 3450, currency: 'USD' } },
    });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { userId: ANN }, ConsistentRead: true });
    expect(sentPayload(lambda.commandCalls(InvokeCommand)[0]?.args[0].input ?? {})).toMatchObject({ productIds: [MUG, CUP, PLATE] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('gives a user who never added anything an empty cart with a cart id that stays', async () => {
    const res = await getCart();

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect(res.body.revision).toBe(1);
    expect(res.body.totals).toEqual({ itemCount: 0, subtotal: { amount: 0, currency: 'USD' } });
    expect(Id.safeParse(res.body.cartId).success).toBe(true);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { userId: ANN, cartId: res.body.cartId, lines: [], updatedAt: expect.any(String), version: 1 },
      ConditionExpression: 'attribute_not_exists(userId)',
    });
    expect(db().get(TABLE, ANN)).toMatchObject({ cartId: res.body.cartId, lines: [], version: 1 });
    // Nothing to price: the catalogue is not asked.
    expect(lambda.calls()).toHaveLength(0);
  });

  it('answers the cart another request created first, so the cart id is the same for both', async () => {
    db().beforeNext(PutCommand, () => db().put(TABLE, storedCart([], { version: 1 })));

    const res = await getCart();

    expect(res.status).toBe(200);
    expect(res.body.cartId).toBe(CART_ID);
    expect(db().items(TABLE)).toEqual([storedCart([], { version: 1 })]);
  });

  it('reads only the cart keyed by the token\'s user', async () => {
    db().put(TABLE, storedCart([], { userId: BOB }));
    await getCart(customer(BOB));
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toEqual([{ userId: BOB }]);
  });

  it('answers 503, never a cart without prices, when get-products fails', async () => {
    db().put(TABLE, storedCart([line(MUG, 1)]));
    lambda.on(InvokeCommand).resolves(invokeOutput({ errorType: 'Error', errorMessage: 'boom' }, 'Unhandled'));
    const res = await getCart();
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: 'CATALOG_UNAVAILABLE' } });
  });

  it('answers 401 without a signed-in caller and reads nothing', async () => {
    const res = await getCart(null);
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
  });
});
