import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { invokeHandler, lambdaContext, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as addToCart } from '../../src/handlers/add-to-cart';
import { handler as clearCart } from '../../src/handlers/clear-cart';
import { handler as forgetCustomer } from '../../src/handlers/forget-customer';
import { handler as getCart } from '../../src/handlers/get-cart';
import { handler as readCart } from '../../src/handlers/read-cart';
import { handler as removeCartItem } from '../../src/handlers/remove-cart-item';
import { handler as setCartItem } from '../../src/handlers/set-cart-item';
import { service } from '../../src/service';
import { ANN, CART_ID, catalogAnswer, customer, line, MUG, product, storedCart, TABLE, TABLE_KEYS, withCartEnvironment } from '../fixtures';

/*
 * A customer who deleted their account (user-service's DELETE /users/me, which invokes
 * forget-customer first) keeps an access token the API accepts until it expires. With it, no cart
 * route may show or make a cart again; checkout, for an order placed before, finds no cart.
 */

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS);
const lambda = mockClient(LambdaClient);
withCartEnvironment();
beforeEach(async () => {
  lambda.reset();
  lambda.on(InvokeCommand).resolves(catalogAnswer([product(MUG)]));
  db().put(TABLE, storedCart([line(MUG, 2)]));
  await forgetCustomer({ userId: ANN }, lambdaContext('forget-customer'));
  ddb.resetHistory();
});
afterAll(() => {
  lambda.restore();
});

const ACCOUNT_DELETED = { error: { code: 'ACCOUNT_DELETED', message: 'This account was deleted' } };
const routes = {
  'GET /cart': () => invokeHandler(getCart, routeEvent(httpRoute(service, 'get-cart'), { claims: customer() })),
  'POST /cart': () => invokeHandler(addToCart, routeEvent(httpRoute(service, 'add-to-cart'), { claims: customer(), body: { productId: MUG, quantity: 1 } })),
  'PUT /cart/items/{productId}': () =>
    invokeHandler(setCartItem, routeEvent(httpRoute(service, 'set-cart-item'), { claims: customer(), pathParameters: { productId: MUG }, body: { quantity: 3 } })),
  'DELETE /cart/items/{productId}': () => invokeHandler(removeCartItem, routeEvent(httpRoute(service, 'remove-cart-item'), { claims: customer(), pathParameters: { productId: MUG } })),
};
const writes = () => ddb.commandCalls(PutCommand);

describe("a forgotten customer's token", () => {
  it.each(Object.entries(routes))('is answered 401 ACCOUNT_DELETED by %s, which shows no cart, makes none and asks the catalogue nothing', async (_route, call) => {
    const res = await call();

    expect(res.status).toBe(401);
    expect(res.body).toEqual(ACCOUNT_DELETED);
    expect(writes()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
    expect(db().get(TABLE, ANN)).not.toHaveProperty('cartId');
  });

  it('makes no cart when the account goes between the read and the write of an add: the add loses its race to the marker', async () => {
    db().put(TABLE, storedCart([line(MUG, 2)]));
    // The cart is read; then forget-customer writes the marker; then the add's conditional write fails on it.
    db().beforeNext(PutCommand, () => db().put(TABLE, { userId: ANN, forgottenAt: '2026-03-01T10:00:00.000Z', forgetAt: 1772445600 }));

    const res = await routes['POST /cart']();

    expect(res.status).toBe(401);
    expect(res.body).toEqual(ACCOUNT_DELETED);
    expect(db().get(TABLE, ANN)).toEqual({ userId: ANN, forgottenAt: '2026-03-01T10:00:00.000Z', forgetAt: 1772445600 });
  });

  it('makes no empty cart when the account goes while GET /cart creates the first one', async () => {
    // No cart yet for a new customer: GET /cart creates one, and forget-customer gets in first.
    const fresh = '0e000000-0000-4000-8000-0000000000f1';
    db().beforeNext(PutCommand, () => db().put(TABLE, { userId: fresh, forgottenAt: '2026-03-01T10:00:00.000Z', forgetAt: 1772445600 }));

    const res = await invokeHandler(getCart, routeEvent(httpRoute(service, 'get-cart'), { claims: customer(fresh) }));

    expect(res.status).toBe(401);
    expect(db().get(TABLE, fresh)).not.toHaveProperty('cartId');
  });
});

describe('checkout, for a forgotten customer', () => {
  it('reads no cart (read-cart), so nothing can be ordered', async () => {
    await expect(readCart({ userId: ANN }, lambdaContext('read-cart'))).resolves.toEqual({ cartId: null, userId: ANN, lines: [], revision: 0 });
  });

  const clearOrder = () =>
    clearCart({ userId: ANN, cartId: CART_ID, orderId: '0d000000-0000-4000-8000-000000000001', lines: [{ productId: MUG, quantity: 2 }] }, lambdaContext('clear-cart'));

  it('clears nothing (clear-cart) for an order placed before the account went, and the order stands', async () => {
    await expect(clearOrder()).resolves.toEqual({ cleared: false });
    expect(writes()).toHaveLength(0);
  });

  it('clears nothing, and does not fail, when the account goes between the read and the write of the clear', async () => {
    db().put(TABLE, storedCart([line(MUG, 2)]));
    db().beforeNext(PutCommand, () => db().put(TABLE, { userId: ANN, forgottenAt: '2026-03-01T10:00:00.000Z', forgetAt: 1772445600 }));

    await expect(clearOrder()).resolves.toEqual({ cleared: false });
    expect(db().get(TABLE, ANN)).not.toHaveProperty('cartId');
  });
});
