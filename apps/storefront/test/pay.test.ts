import type { Order } from '@shop/api-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { payForOrder } from '../src/shop/pay';
import type { Shop } from '../src/shop-context';

const ORDER_ID = '0d9b7f4e-1111-4a2b-8c3d-123456789abc';
const order = (status: Order['status']) =>
  ({ orderId: ORDER_ID, userId: 'u', cartId: 'c', status, items: [], total: { amount: 1000, currency: 'USD' }, createdAt: '', updatedAt: '' }) as unknown as Order;

/** A shop whose API answers the order with the statuses given, one per read (the last one for good), and takes any payment. */
function shopAnswering(...statuses: Order['status'][]) {
  const reads: Order['status'][] = [];
  const payments: unknown[] = [];
  const ok = (data: unknown) => ({ data, response: new Response(null, { status: 200 }) });
  const client = {
    GET: vi.fn(async () => {
      const status = statuses[Math.min(reads.length, statuses.length - 1)] ?? 'PENDING';
      reads.push(status);
      return ok(order(status));
    }),
    POST: vi.fn(async (_path: string, init: { body: unknown }) => {
      payments.push(init.body);
      return ok({ orderId: ORDER_ID, status: 'PROCESSING' });
    }),
  };
  const shop = { client, session: { clear: vi.fn() } } as unknown as Shop;
  return { shop, reads, payments };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('payForOrder', () => {
  it('waits while the items are set aside, then pays under the checkout’s correlation id', async () => {
    vi.useFakeTimers();
    const { shop, payments } = shopAnswering('PENDING', 'PENDING', 'AWAITING_PAYMENT');
    const paying = payForOrder(shop, ORDER_ID, 'pm_card_approve', 'web-1', () => undefined);
    await vi.runAllTimersAsync();
    await expect(paying).resolves.toMatchObject({ ok: true });
    expect(payments).toEqual([{ orderId: ORDER_ID, paymentMethod: 'pm_card_approve' }]);
  });

  it('does not pay an order still being set aside after 30 s: it answers the order, for its page to follow', async () => {
    vi.useFakeTimers();
    const { shop, reads, payments } = shopAnswering('PENDING');
    const paying = payForOrder(shop, ORDER_ID, 'pm_card_approve', 'web-1', () => undefined);
    await vi.advanceTimersByTimeAsync(35_000);
    await expect(paying).resolves.toEqual({ ok: false, notPayable: order('PENDING') });
    expect(payments).toEqual([]);
    expect(reads.length).toBeGreaterThan(10);
  });

  it('does not pay an order that ended before payment', async () => {
    const { shop, payments } = shopAnswering('CANCELLED');
    await expect(payForOrder(shop, ORDER_ID, 'pm_card_approve', 'web-1', () => undefined)).resolves.toEqual({ ok: false, notPayable: order('CANCELLED') });
    expect(payments).toEqual([]);
  });

  it('stops waiting, and pays nothing, once the shopper has left the page', async () => {
    vi.useFakeTimers();
    const { shop, payments } = shopAnswering('PENDING', 'PENDING', 'AWAITING_PAYMENT');
    let gone = false;
    const paying = payForOrder(shop, ORDER_ID, 'pm_card_approve', 'web-1', () => undefined, () => gone);
    gone = true;
    await vi.runAllTimersAsync();
    await expect(paying).resolves.toEqual({ ok: false, left: true });
    expect(payments).toEqual([]);
  });
});

