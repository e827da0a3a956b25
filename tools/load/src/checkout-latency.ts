import { randomUUID } from 'node:crypto';
import { expectStatus, send, sleep } from './http';
import { type LatencySummary, summarize } from './stats';

/** A signed-in customer: where to send and the token to send. */
export interface Shopper {
  apiUrl: string;
  token: string;
}

export interface CheckoutLatency {
  /** `POST /orders` sent → the order reads AWAITING_PAYMENT: pricing, the order write, the state machine's validate and reserve. */
  toAwaitingPayment: LatencySummary;
  /** `POST /payment/process` sent → the order reads PAID: the charge, the provider's webhook, the queue, commit and mark paid. */
  toPaid: LatencySummary;
  /**
   * Within `toPaid`, the time the payment provider simulator holds the charge's webhook (the charge
   * created → its `charge.succeeded` webhook first sent; 300 ms by default): the provider's share, not the shop's.
   */
  providerHold: LatencySummary;
  /** `toPaid` less `providerHold`, checkout by checkout: the shop's own part of the second half. */
  toPaidShopPart: LatencySummary;
}

/** A charge as `GET /_local/payments` shows it, with what the load tool reads of it. */
interface ProviderCharge {
  createdAt: string;
  webhooks: { event: { type: string }; firstSentAt?: string }[];
}

/** How often the customer's client asks for its order while it waits; the figures are this coarse, plus one GET. */
const POLL_MS = 10;
const GIVE_UP_MS = 30_000;
const FINAL = new Set(['PAID', 'CANCELLED', 'PAYMENT_FAILED', 'REFUNDED']);

/** Asks for the order until it reads `status`, as a client would; throws if it ends elsewhere or takes too long. */
async function waitForStatus(shopper: Shopper, orderId: string, status: string): Promise<void> {
  const deadline = Date.now() + GIVE_UP_MS;
  while (Date.now() < deadline) {
    const order = await expectStatus<{ status: string }>(send(shopper.apiUrl, 'GET', `/orders/${orderId}`, { token: shopper.token }), 200, 'GET /orders/{id}');
    if (order.status === status) return;
    if (FINAL.has(order.status)) throw new Error(`order ${orderId} ended ${order.status} while waiting for ${status}`);
    await sleep(POLL_MS);
  }
  throw new Error(`order ${orderId} did not reach ${status} in ${GIVE_UP_MS / 1000} s`);
}

/**
 * How long the provider simulator held the order's charge before sending its `charge.succeeded`
 * webhook, both times read off the local cloud's own clock (`GET /_local/payments`).
 */
async function providerHoldMs(apiUrl: string, orderId: string): Promise<number> {
  const { charges } = await expectStatus<{ charges: ProviderCharge[] }>(send(apiUrl, 'GET', `/_local/payments?orderId=${orderId}`), 200, 'GET /_local/payments');
  for (const charge of charges) {
    const sent = charge.webhooks.find((w) => w.event.type === 'charge.succeeded')?.firstSentAt;
    if (sent) return Date.parse(sent) - Date.parse(charge.createdAt);
  }
  throw new Error(`order ${orderId} is PAID but the provider shows no charge.succeeded webhook sent for it`);
}

/** One checkout, timed in its two halves as the customer sees them, with the provider's hold within the second. */
export async function timedCheckout(shopper: Shopper, productId: string): Promise<{ toAwaitingPaymentMs: number; toPaidMs: number; providerHoldMs: number }> {
  const { apiUrl, token } = shopper;
  await expectStatus(send(apiUrl, 'POST', '/cart', { token, body: { productId, quantity: 1 } }), 200, 'POST /cart');
  const cart = await expectStatus<{ cartId: string }>(send(apiUrl, 'GET', '/cart', { token }), 200, 'GET /cart');

  const ordered = performance.now();
  const order = await expectStatus<{ orderId: string }>(
    send(apiUrl, 'POST', '/orders', { token, body: { cartId: cart.cartId }, headers: { 'idempotency-key': randomUUID() } }),
    201,
    'POST /orders',
  );
  await waitForStatus(shopper, order.orderId, 'AWAITING_PAYMENT');
  const toAwaitingPaymentMs = performance.now() - ordered;

  const paying = performance.now();
  await expectStatus(send(apiUrl, 'POST', '/payment/process', { token, body: { orderId: order.orderId, paymentMethod: 'pm_card_approve' } }), 200, 'POST /payment/process');
  await waitForStatus(shopper, order.orderId, 'PAID');
  const toPaidMs = performance.now() - paying;
  return { toAwaitingPaymentMs, toPaidMs, providerHoldMs: await providerHoldMs(apiUrl, order.orderId) };
}

/**
 * `count` checkouts one after another (latency, not throughput: nothing else runs meanwhile),
 * each shopper in turn, after `warmUp` untimed ones that bring every function of the path up.
 */
export async function measureCheckouts(shoppers: readonly Shopper[], productId: string, options: { count: number; warmUp: number }): Promise<CheckoutLatency> {
  const pick = (i: number) => shoppers[i % shoppers.length] as Shopper;
  for (let i = 0; i < options.warmUp; i++) await timedCheckout(pick(i), productId);
  const toAwaiting: number[] = [];
  const toPaid: number[] = [];
  const hold: number[] = [];
  for (let i = 0; i < options.count; i++) {
    const timed = await timedCheckout(pick(i), productId);
    toAwaiting.push(timed.toAwaitingPaymentMs);
    toPaid.push(timed.toPaidMs);
    hold.push(timed.providerHoldMs);
  }
  return {
    toAwaitingPayment: summarize(toAwaiting),
    toPaid: summarize(toPaid),
    providerHold: summarize(hold),
    toPaidShopPart: summarize(toPaid.map((ms, i) => ms - (hold[i] ?? 0))),
  };
}
