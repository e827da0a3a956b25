import type { Order } from '@shop/api-client';
import { describe, expect, it } from 'vitest';
import { describePayment, describeStatus, isSettled } from '../src/shop/order-status';

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
