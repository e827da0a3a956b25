import { randomUUID } from 'node:crypto';
import { physicalName } from '@shop/platform';
import { newCustomer, newVerifiedCustomer, signIn, type SignedInUser, TEST_PASSWORD } from '@shop/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, waitForOrder } from '../src/checkout';
import { api, clearFaults, cloud, injectFaults, scanAll } from '../src/cloud';
import { deadLetters, eventually, outboxFor, traceOf } from '../src/events';

/*
 * DELETE /users/me (apps/user-service, "Deleting an account"): the verification codes and the
 * profile, then the user in the pool, then the cart (cart-service's forget-customer). The
 * local gateway's authorizer, like API Gateway's, checks a token's signature and expiry and not
 * whether its user still exists: cognito-local's tokens live an hour, so a deleted customer's token
 * still passes it here, and every route must refuse to show or make anything with it.
 */

let admin: SignedInUser;
const carts = physicalName(cloud.stage, 'cart-service', 'carts');
const ACCOUNT_DELETED = { error: { code: 'ACCOUNT_DELETED', message: 'This account was deleted' } };

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
});
afterEach(() => clearFaults());

/** Whatever the tables hold under a user id. */
async function storedFor(userId: string) {
  const [users, verifications, cartItems] = await Promise.all([scanAll(cloud.tables.users), scanAll(cloud.tables.contactVerifications), scanAll(carts)]);
  const of = (items: Record<string, unknown>[]) => items.filter((item) => item['userId'] === userId);
  return { profile: of(users), verifications: of(verifications), cart: of(cartItems) };
}

describe('deleting an account', () => {
  it("deletes the customer's cart, codes, profile and user: their old token shows and makes nothing, they cannot sign in, and their e-mail registers anew", async () => {
    const customer = await newCustomer(api, 'Forget Me', { phone: '+14155550177' });
    const productId = await newProduct(admin, 5);
    expect((await customer.api.post('/cart', { productId, quantity: 2 })).status).toBe(200);
    expect((await customer.api.post('/users/me/verification', { channel: 'email' })).status).toBe(202);
    const login = await api.post('/users/login', { email: customer.email, password: TEST_PASSWORD });
    const { refreshToken } = login.body as { refreshToken: string };
    const before = await storedFor(customer.userId);
    expect([before.profile.length, before.verifications.length, before.cart.length]).toEqual([1, 1, 1]);

    const deleted = await customer.api.delete('/users/me');

    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    // Nothing of them is left but a marker of their sub, which refuses their tokens a new cart for a day.
    const after = await storedFor(customer.userId);
    expect(after.profile).toEqual([]);
    expect(after.verifications).toEqual([]);
    expect(after.cart).toEqual([{ userId: customer.userId, forgottenAt: expect.any(String), forgetAt: expect.any(Number) }]);

    // The old token still passes the authorizer (an hour-long cognito-local token, as on AWS until it
    // expires): the profile is gone (404, not made again), and the cart routes refuse it.
    const me = await customer.api.get('/users/me');
    expect(me.status).toBe(404);
    expect(await customer.api.get('/cart')).toMatchObject({ status: 401, body: ACCOUNT_DELETED });
    expect(await customer.api.post('/cart', { productId, quantity: 1 })).toMatchObject({ status: 401, body: ACCOUNT_DELETED });
    expect((await customer.api.post('/users/me/verification', { channel: 'email' })).status).toBe(404);
    // Checkout finds no cart to order.
    const order = await customer.api.post('/orders', { cartId: randomUUID() }, { headers: { 'idempotency-key': `gone-${randomUUID()}` } });
    expect(order).toMatchObject({ status: 404, body: { error: { code: 'CART_NOT_FOUND' } } });
    // A repeat answers 204 as well (it writes the marker again), and nothing was made again meanwhile.
    expect((await customer.api.delete('/users/me')).status).toBe(204);
    expect(await storedFor(customer.userId)).toEqual({ ...after, cart: [{ userId: customer.userId, forgottenAt: expect.any(String), forgetAt: expect.any(Number) }] });

    // The user is gone from the pool: no sign-in, no renewal of the session.
    expect(await api.post('/users/login', { email: customer.email, password: TEST_PASSWORD })).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
    expect(await api.post('/users/refresh', { refreshToken })).toMatchObject({ status: 401, body: { error: { code: 'INVALID_REFRESH_TOKEN' } } });

    // The address is free: it registers as a new account, with a new sub and an empty cart.
    const again = await newCustomer(api, 'Back Again', { email: customer.email });
    expect(again.userId).not.toBe(customer.userId);
    const cart = await again.api.get('/cart');
    expect(cart.status).toBe(200);
    expect(cart.body.items).toEqual([]);
  });

  it('stops with 503 when cart-service fails, the last step: the same token sends it again, and that finishes the deletion', async () => {
    const customer = await newCustomer(api, 'Try Again');
    const productId = await newProduct(admin, 5);
    expect((await customer.api.post('/cart', { productId, quantity: 1 })).status).toBe(200);
    await injectFaults({ kind: 'function-error', target: 'cart-service/forget-customer', count: 1 });

    const failed = await customer.api.delete('/users/me');

    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('DELETION_INCOMPLETE');
    expect(failed.headers.get('retry-after')).toBe('1');
    // The profile and the pool user went before the cart's step: no new sign-in, so no new token
    // whose cart the marker would have to refuse.
    expect((await customer.api.get('/users/me')).status).toBe(404);
    expect((await api.post('/users/login', { email: customer.email, password: TEST_PASSWORD })).status).toBe(401);
    expect((await storedFor(customer.userId)).cart).toEqual([expect.objectContaining({ userId: customer.userId, lines: [expect.objectContaining({ productId, quantity: 1 })] })]);

    // The token the customer holds still passes the authorizer: the same request finishes the job.
    expect((await customer.api.delete('/users/me')).status).toBe(204);
    expect(await storedFor(customer.userId)).toEqual({
      profile: [],
      verifications: [],
      cart: [{ userId: customer.userId, forgottenAt: expect.any(String), forgetAt: expect.any(Number) }],
    });
    expect(await customer.api.get('/cart')).toMatchObject({ status: 401, body: ACCOUNT_DELETED });
  });

  it("finishes an order placed before, and skips its notification without failing: there is no one to tell", async () => {
    const customer = await newVerifiedCustomer(api, 'Gone Soon');
    const productId = await newProduct(admin, 5);
    const correlationId = `forget-${randomUUID().slice(0, 8)}`;
    const headers = { 'x-correlation-id': correlationId };
    expect((await customer.api.post('/cart', { productId, quantity: 1 })).status).toBe(200);
    const cart = await customer.api.get('/cart');
    const placed = await customer.api.post('/orders', { cartId: cart.body.cartId }, { headers: { ...headers, 'idempotency-key': `forget-${randomUUID()}` } });
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.orderId;
    expect((await waitForOrder(customer, orderId, isStatus('AWAITING_PAYMENT', ...FINAL))).status).toBe('AWAITING_PAYMENT');
    // The order's first message reached them while they had an account.
    await eventually(async () => expect((await outboxFor(customer.email)).some((m) => m.subject?.includes('received'))).toBe(true));

    expect((await customer.api.delete('/users/me')).status).toBe(204);
    // The order is theirs still (by the sub), and goes on: here the old token cancels it.
    const cancelled = await customer.api.post(`/orders/${orderId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('CANCELLED');

    // send-notification asked get-contact about OrderCancelled, was told UserNotFound, and succeeded.
    await eventually(async () => {
      const trace = await traceOf(correlationId);
      const lookups = trace.filter((i) => i.functionName.endsWith('user-service-get-contact'));
      expect(lookups.some((i) => !i.ok && i.error?.includes('UserNotFound'))).toBe(true);
    }, 30_000);
    const notifications = (await traceOf(correlationId)).filter((i) => i.functionName.endsWith('notification-service-send-notification'));
    expect(notifications.length).toBeGreaterThanOrEqual(2);
    expect(notifications.every((i) => i.ok)).toBe(true);
    expect(await deadLetters(cloud.failedNotificationsQueueUrl, (r) => JSON.stringify(r.requestPayload).includes(orderId))).toEqual([]);
    expect((await outboxFor(customer.email)).some((m) => m.subject?.includes('cancelled'))).toBe(false);
  }, 90_000);
});
