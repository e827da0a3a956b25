import type { Order } from '@shop/api-client';
import { describe, expect, it } from 'vitest';
import { describePayment, describeStatus, isSettled, paymentAmounts } from '../src/shop/order-status';

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
