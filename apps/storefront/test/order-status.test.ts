import type { Order } from '@shop/api-client';
import { describe, expect, it } from 'vitest';
import { describeNoPayment, describePayment, describeStatus, isSettled, paymentAmounts, pollDelayMs } from '../src/shop/order-status';

const usd = (amount: number) => ({ amount, currency: 'USD' as const });
const order = (status: Order['status'], extra: object = {}): Order =>
  ({ orderId: 'o', userId: 'u', cartId: 'c', status, items: [], total: usd(1000), createdAt: '', updatedAt: '', ...extra }) as unknown as Order;

describe('order status', () => {
  it('is settled only at a final status with no charge or refund under way', () => {
    expect(isSettled(order('AWAITING_PAYMENT'))).toBe(false);
    expect(isSettled(order('PAID'))).toBe(true);
    expect(isSettled(order('CANCELLED', { payment: { status: 'REFUND_PENDING', charged: usd(1000), refunded: usd(0) } }))).toBe(false);
    expect(isSettled(order('CANCELLED', { payment: { status: 'REFUNDED', charged: usd(1000), refunded: usd(1000) } }))).toBe(true);
  });

  it('works with an order that has no payment yet, as older APIs answer', () => {
    expect(describeStatus(order('AWAITING_PAYMENT')).title).toBe('Awaiting payment');
    expect(describeStatus(order('AWAITING_PAYMENT', { payment: { status: 'PROCESSING', charged: usd(0), refunded: usd(0) } })).title).toBe('Paying');
  });

  it('gives the reason an order failed, and what happened to the money', () => {
    expect(describeStatus(order('PAYMENT_FAILED', { reason: 'card declined' })).detail).toBe('The payment did not go through: card declined.');
    expect(describePayment({ status: 'REFUND_FAILED', charged: usd(1000), refunded: usd(0) })).toMatch(/our team is on it/);
  });

  it('never says a payment did not go through when money was taken, or is in flight: the order was not paid in time', () => {
    for (const status of ['PROCESSING', 'CHARGED', 'REFUND_PENDING', 'REFUNDED', 'REFUND_FAILED'] as const) {
      const detail = describeStatus(order('PAYMENT_FAILED', { reason: 'payment window expired', payment: { status, charged: usd(1000), refunded: usd(0) } })).detail;
      expect(detail, status).toBe('The order was not paid in time: payment window expired.');
    }
    expect(describeStatus(order('PAYMENT_FAILED', { reason: 'card_declined', payment: { status: 'DECLINED', charged: usd(0), refunded: usd(0) } })).detail).toBe(
      'The payment did not go through: card_declined.',
    );
  });

  it('says nothing was charged for an order that ended with no payment attempted, and nothing of the kind for any other', () => {
    expect(describeNoPayment(order('CANCELLED'))).toBe('Nothing was charged.');
    expect(describeNoPayment(order('PAYMENT_FAILED'))).toBe('Nothing was charged.');
    expect(describeNoPayment(order('AWAITING_PAYMENT'))).toBeUndefined();
    expect(describeNoPayment(order('CANCELLED', { payment: { status: 'REFUNDED', charged: usd(1000), refunded: usd(1000) } }))).toBeUndefined();
  });

  it('keeps watching an order that ended unpaid while its charge is not yet marked for its refund', () => {
    expect(isSettled(order('PAYMENT_FAILED', { payment: { status: 'CHARGED', charged: usd(1000), refunded: usd(0) } }))).toBe(false);
    expect(isSettled(order('CANCELLED', { payment: { status: 'CHARGED', charged: usd(1000), refunded: usd(0) } }))).toBe(false);
    expect(isSettled(order('PAID', { payment: { status: 'CHARGED', charged: usd(1000), refunded: usd(0) } }))).toBe(true);
  });
});

describe('a charge that has not been answered when the order ends', () => {
  const unanswered = { status: 'PROCESSING' as const, charged: usd(0), refunded: usd(0) };

  it('is still being confirmed while the order waits for it, and refunded if it goes through after the order ended', () => {
    expect(describePayment(unanswered, 'AWAITING_PAYMENT')).toBe('Your payment is being confirmed.');
    for (const status of ['PAYMENT_FAILED', 'CANCELLED'] as const) {
      expect(describePayment(unanswered, status)).toMatch(/have not heard back.*refunded automatically/);
    }
  });

  it('keeps the page watching, more and more slowly: every second, then every 3 s, then every 30 s after five minutes', () => {
    expect(isSettled(order('PAYMENT_FAILED', { payment: unanswered }))).toBe(false);
    expect([0, 29_999, 30_000, 299_999, 300_000, 6 * 3600_000].map(pollDelayMs)).toEqual([1_000, 1_000, 3_000, 3_000, 30_000, 30_000]);
  });
});

describe('payment amounts', () => {
  it('says what was taken and given back, in each currency, never adding currencies up', () => {
    expect(paymentAmounts({ status: 'DECLINED', charged: usd(0), refunded: usd(0) })).toBe('');
    expect(paymentAmounts({ status: 'CHARGED', charged: usd(1500), refunded: usd(0) })).toBe('Charged $15.00');
    const withStray = {
      status: 'CHARGED' as const,
      charged: usd(1500),
      refunded: usd(0),
      otherCurrencies: [
        { charged: { amount: 1500, currency: 'EUR' }, refunded: { amount: 1500, currency: 'EUR' } },
        { charged: { amount: 500, currency: 'JPY' }, refunded: { amount: 500, currency: 'JPY' } },
      ],
    };
    expect(paymentAmounts(withStray)).toBe('Charged $15.00 and €15.00 and ¥500 · Refunded €15.00 and ¥500');
  });
});
