import { describe, expect, it } from 'vitest';
import { effectsOfChange } from '../../src/domain/order-change';
import { orderItem } from '../fixtures';

const pending = orderItem();
const awaiting = { ...pending, status: 'AWAITING_PAYMENT', updatedAt: '2026-12-01T10:00:01.000Z' };
const ended = (status: string, updatedAt = '2026-12-01T10:00:07.250Z') => ({ ...awaiting, status, updatedAt, reason: 'why' });
const metricsOf = (change: Parameters<typeof effectsOfChange>[0]) => effectsOfChange(change).metrics;

describe('what an order change counts', () => {
  it('counts a new order as placed', () => {
    expect(metricsOf({ eventName: 'INSERT', newImage: pending })).toEqual([{ name: 'OrdersPlaced', unit: 'Count', value: 1 }]);
  });

  it('counts a paid order, its revenue in cents by currency, and how long its checkout took from placing to PAID', () => {
    expect(metricsOf({ eventName: 'MODIFY', oldImage: awaiting, newImage: ended('PAID') })).toEqual([
      { name: 'OrdersPaid', unit: 'Count', value: 1 },
      { name: 'RevenueCents', unit: 'None', value: 2500, dimensions: { currency: 'USD' } },
      { name: 'CheckoutDurationMs', unit: 'Milliseconds', value: 7250 },
    ]);
  });

  it.each([
    ['PAYMENT_FAILED', 'OrdersFailed'],
    ['CANCELLED', 'OrdersCancelled'],
  ])('counts an order that ended %s as %s, with its checkout duration and no revenue', (status, metric) => {
    expect(metricsOf({ eventName: 'MODIFY', oldImage: awaiting, newImage: ended(status) })).toEqual([
      { name: metric, unit: 'Count', value: 1 },
      { name: 'CheckoutDurationMs', unit: 'Milliseconds', value: 7250 },
    ]);
  });

  it('counts each refund recorded as done, once', () => {
    const charge = (status: string) => ({ ch_1: { amount: { amount: 2500, currency: 'USD' }, pays: false, refund: { status, reason: 'order cancelled' }, at: 'x' } });
    const cancelled = ended('CANCELLED');
    const refunded = { ...cancelled, charges: charge('SUCCEEDED') };
    expect(metricsOf({ eventName: 'MODIFY', oldImage: { ...cancelled, charges: charge('PENDING') }, newImage: refunded })).toEqual([
      { name: 'OrdersRefunded', unit: 'Count', value: 1 },
    ]);
    // The same refund seen again in a later write is no new fact.
    expect(metricsOf({ eventName: 'MODIFY', oldImage: refunded, newImage: { ...refunded, updatedAt: '2026-12-01T10:09:00.000Z' } })).toEqual([]);
  });

  it('counts nothing for writes that publish nothing: AWAITING_PAYMENT, a write that keeps the status, a removal', () => {
    expect(metricsOf({ eventName: 'MODIFY', oldImage: pending, newImage: awaiting })).toEqual([]);
    expect(metricsOf({ eventName: 'MODIFY', oldImage: awaiting, newImage: { ...awaiting, taskToken: 't' } })).toEqual([]);
    expect(metricsOf({ eventName: 'REMOVE', oldImage: awaiting })).toEqual([]);
  });

  it('leaves the duration out when the order has no usable createdAt, and still counts the order', () => {
    const { createdAt: _, ...withoutCreatedAt }: Record<string, unknown> = ended('PAID');
    expect(metricsOf({ eventName: 'MODIFY', oldImage: awaiting, newImage: withoutCreatedAt }).map((m) => m.name)).toEqual(['OrdersPaid', 'RevenueCents']);
  });
});
