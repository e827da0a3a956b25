import { randomUUID } from 'node:crypto';
import type { ApiClient, SignedInUser } from '@shop/testing';
import { expect } from 'vitest';

/** Final order statuses: the state machine has nothing left to do. */
export const FINAL = ['PAID', 'CANCELLED', 'PAYMENT_FAILED'] as const;

/** Polls `GET /orders/{id}` until the order satisfies `done`, and answers it; fails with the last status seen. */
export async function waitForOrder(
  customer: SignedInUser,
  orderId: string,
  done: (order: { status: string }) => boolean,
  timeoutMs = 30_000,
): Promise<{ orderId: string; status: string; reason?: string; total: { amount: number } }> {
  const deadline = Date.now() + timeoutMs;
  let last: { status: string } | undefined;
  while (Date.now() < deadline) {
    const res = await customer.api.get(`/orders/${orderId}`);
    expect(res.status).toBe(200);
    last = res.body;
    if (done(res.body)) return res.body;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`order ${orderId} still ${last?.status} after ${timeoutMs} ms`);
}

export const isStatus =
  (...statuses: readonly string[]) =>
  (order: { status: string }) =>
    statuses.includes(order.status);

/** Creates a product as the admin and answers its id. */
export async function newProduct(admin: SignedInUser, stock: number, amount = 1500): Promise<string> {
  const res = await admin.api.post('/products', {
    name: `Checkout item ${randomUUID().slice(0, 6)}`,
    price: { amount, currency: 'USD' },
    stock,
  });
  expect(res.status).toBe(201);
  return res.body.productId;
}

export async function stockOf(api: ApiClient, productId: string): Promise<number> {
  const res = await api.get(`/products/${productId}`);
  expect(res.status).toBe(200);
  return res.body.stock;
}

/** Adds the lines to the customer's cart (if any) and places the order with a fresh idempotency key. */
export async function placeOrder(
  customer: SignedInUser,
  lines: readonly { productId: string; quantity: number }[],
): Promise<{ orderId: string; cartId: string; idempotencyKey: string }> {
  for (const line of lines) expect((await customer.api.post('/cart', line)).status).toBe(200);
  const cart = await customer.api.get('/cart');
  const idempotencyKey = `checkout-${randomUUID()}`;
  const order = await customer.api.post('/orders', { cartId: cart.body.cartId }, { headers: { 'idempotency-key': idempotencyKey } });
  expect(order.status).toBe(201);
  return { orderId: order.body.orderId, cartId: cart.body.cartId, idempotencyKey };
}

/** Places an order and waits until it awaits payment. */
export async function orderAwaitingPayment(customer: SignedInUser, productId: string, quantity = 1) {
  const placed = await placeOrder(customer, [{ productId, quantity }]);
  await waitForOrder(customer, placed.orderId, isStatus('AWAITING_PAYMENT', ...FINAL));
  return placed;
}
