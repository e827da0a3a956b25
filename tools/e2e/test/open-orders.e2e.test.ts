import { randomUUID } from 'node:crypto';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, stockOf, waitForOrder } from '../src/checkout';
import { api, clearFaults, cloud, injectFaults } from '../src/cloud';

/*
 * A customer may hold at most 3 orders awaiting payment (apps/order-service, open-orders.ts): each
 * holds its stock for the payment window, so one account could otherwise reserve a product's whole
 * stock and never pay.
 */

let admin: SignedInUser;

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
});
afterEach(() => clearFaults());

const cartLines = async (customer: SignedInUser) => {
  const cart = await customer.api.get('/cart');
  expect(cart.status).toBe(200);
  return { cartId: cart.body.cartId as string, lines: (cart.body.items as { productId: string; quantity: number }[]).map((i) => [i.productId, i.quantity]) };
};

describe('orders awaiting payment, at most 3 per customer', () => {
  it('refuses a 4th with 409 TOO_MANY_OPEN_ORDERS, ordering nothing and leaving the cart as it is; once one is cancelled, the 4th is placed', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 10);
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await orderAwaitingPayment(customer, product));
    expect(await stockOf(api, product)).toBe(7);

    expect((await customer.api.post('/cart', { productId: product, quantity: 2 })).status).toBe(200);
    const cart = await cartLines(customer);
    const key = `checkout-${randomUUID()}`;
    const fourth = () => customer.api.post('/orders', { cartId: cart.cartId }, { headers: { 'idempotency-key': key } });

    const refused = await fourth();
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: { code: 'TOO_MANY_OPEN_ORDERS', message: 'You have 3 orders awaiting payment; pay for or cancel one of them before placing another' },
    });
    expect((await cartLines(customer)).lines).toEqual([[product, 2]]);
    expect((await customer.api.get('/orders')).body.items.map((o: { orderId: string }) => o.orderId).sort()).toEqual(open.map((o) => o.orderId).sort());
    expect(await stockOf(api, product)).toBe(7);

    const cancelled = await customer.api.post(`/orders/${open[0]!.orderId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');

    // The same checkout again, under its key: the refusal wrote nothing, so the key places it now.
    const placed = await fourth();
    expect(placed.status).toBe(201);
    expect((await waitForOrder(customer, placed.body.orderId, isStatus('AWAITING_PAYMENT', ...FINAL))).status).toBe('AWAITING_PAYMENT');
    expect((await cartLines(customer)).lines).toEqual([]);
    await expect.poll(() => stockOf(api, product), { timeout: 15_000 }).toBe(6);
  }, 90_000);

  it('places exactly as many of a burst of checkouts as there are places left, and refuses the others', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 10);
    await orderAwaitingPayment(customer, product);
    expect((await customer.api.post('/cart', { productId: product, quantity: 1 })).status).toBe(200);
    const { cartId } = await cartLines(customer);
    // The cart keeps its lines (an order stands when its cart cannot be cleared): each checkout of
    // the burst orders it, wherever the others are, and only the cap decides.
    await injectFaults({ kind: 'function-error', target: 'cart-service/clear-cart', count: 4 });

    const burst = await Promise.all(
      Array.from({ length: 4 }, () => customer.api.post('/orders', { cartId }, { headers: { 'idempotency-key': `burst-${randomUUID()}` } })),
    );

    expect(burst.map((answer) => (answer.status === 201 ? 'placed' : `${answer.status} ${answer.body.error.code}`)).sort()).toEqual([
      '409 TOO_MANY_OPEN_ORDERS',
      '409 TOO_MANY_OPEN_ORDERS',
      'placed',
      'placed',
    ]);
    expect((await customer.api.get('/orders')).body.items).toHaveLength(3);
  }, 60_000);
});
