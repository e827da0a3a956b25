import { deterministicEventId, InvalidEventError, OrderCancelled, OrderCreated, OrderPaid, OrderPaymentFailed, parseEvent } from '@shop/events';
import { describe, expect, it } from 'vitest';
import { effectsOfChange, eventForChange } from '../../src/domain/order-change';
import { ORDER_ID, orderItem, USER_ID } from '../fixtures';

const pending = orderItem();
const awaiting = { ...pending, status: 'AWAITING_PAYMENT', taskToken: 'secret-token', updatedAt: '2026-12-01T10:00:01.000Z' };

describe('the event an order change makes', () => {
  it('makes OrderCreated of a new order, with what was ordered and the correlation id', () => {
    const event = eventForChange({ eventName: 'INSERT', newImage: pending });
    expect(parseEvent(OrderCreated, event)).toEqual({
      id: deterministicEventId(ORDER_ID, 'OrderCreated'),
      type: 'OrderCreated',
      version: 1,
      source: 'shop.orders',
      time: '2026-12-01T10:00:00.000Z',
      correlationId: 'corr-1',
      detail: { orderId: ORDER_ID, userId: 'user-1', items: pending['items'], total: { amount: 2500, currency: 'USD' } },
    });
  });

  it('makes OrderPaid, OrderCancelled and OrderPaymentFailed of the moves to those statuses, with the reason', () => {
    const paid = eventForChange({ eventName: 'MODIFY', oldImage: awaiting, newImage: { ...awaiting, status: 'PAID', updatedAt: '2026-12-01T10:00:09.000Z' } });
    expect(parseEvent(OrderPaid, paid)).toMatchObject({ time: '2026-12-01T10:00:09.000Z', detail: { orderId: ORDER_ID, total: { amount: 2500 } } });

    const cancelled = eventForChange({ eventName: 'MODIFY', oldImage: awaiting, newImage: { ...awaiting, status: 'CANCELLED', reason: 'cancelled by customer' } });
    expect(parseEvent(OrderCancelled, cancelled).detail).toEqual({ orderId: ORDER_ID, userId: 'user-1', previousStatus: 'AWAITING_PAYMENT', reason: 'cancelled by customer' });

    const failed = eventForChange({ eventName: 'MODIFY', oldImage: awaiting, newImage: { ...awaiting, status: 'PAYMENT_FAILED', reason: 'card_declined' } });
    expect(parseEvent(OrderPaymentFailed, failed).detail).toEqual({ orderId: ORDER_ID, userId: 'user-1', reason: 'card_declined' });
  });

  it('keeps the checkout internals out of the event', () => {
    const paid = eventForChange({ eventName: 'MODIFY', oldImage: awaiting, newImage: { ...awaiting, status: 'PAID' } });
    expect(JSON.stringify(paid)).not.toContain('secret-token');
    expect(Object.keys((paid?.detail ?? {}) as object).sort()).toEqual(['items', 'orderId', 'total', 'userId']);
  });

  it('makes nothing of writes that change no status, of AWAITING_PAYMENT, and of removals', () => {
    expect(eventForChange({ eventName: 'MODIFY', oldImage: pending, newImage: awaiting })).toBeUndefined();
    expect(eventForChange({ eventName: 'MODIFY', oldImage: awaiting, newImage: { ...awaiting, paymentEventId: 'evt_1' } })).toBeUndefined();
    expect(eventForChange({ eventName: 'REMOVE', oldImage: awaiting })).toBeUndefined();
  });

  it('gives a change the same event id every time it is derived', () => {
    const twice = [1, 2].map(() => eventForChange({ eventName: 'INSERT', newImage: pending })?.id);
    expect(twice[0]).toBe(twice[1]);
    expect(twice[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicEventId(ORDER_ID, 'OrderPaid')).not.toBe(twice[0]);
  });

  it('refuses an item that cannot make a valid event, rather than skip it', () => {
    expect(() => eventForChange({ eventName: 'INSERT', newImage: { ...pending, total: { amount: 12.5, currency: 'USD' } } })).toThrow(InvalidEventError);
    expect(() => eventForChange({ eventName: 'INSERT', newImage: { ...pending, status: 'LOST' } })).toThrow();
  });
});

describe('effectsOfChange: the refunds an order records', () => {
  const USD = (amount: number) => ({ amount, currency: 'USD' });
  const charge = (refund?: Record<string, unknown>) => ({ amount: USD(2500), pays: !refund, at: '2026-12-01T10:00:04.000Z', ...(refund && { refund }) });
  const cancelled = orderItem({ status: 'CANCELLED', reason: 'cancelled by customer', paymentAttempt: { paymentMethod: 'pm_card_approve' } });

  it('asks for a refund of each charge the change marks to be refunded, once: when it becomes PENDING', () => {
    const before = { ...cancelled, charges: {} };
    const after = { ...cancelled, charges: { ch_1: charge({ status: 'PENDING', reason: 'order cancelled', requestedAt: 'x' }) } };
    const effects = effectsOfChange({ eventName: 'MODIFY', oldImage: before, newImage: after });
    expect(effects.refunds).toEqual([{ orderId: ORDER_ID, chargeId: 'ch_1', amount: USD(2500), reason: 'order cancelled', attempt: 1, correlationId: 'corr-1' }]);
    expect(effects.events).toEqual([]);
    // A later write to the order (its refund still PENDING) asks for nothing more.
    expect(effectsOfChange({ eventName: 'MODIFY', oldImage: after, newImage: { ...after, updatedAt: 'later' } }).refunds).toEqual([]);
  });

  it('makes OrderRefunded when a refund is recorded as done, named after the order and the charge', () => {
    const pending = { ...cancelled, charges: { ch_1: charge({ status: 'PENDING', reason: 'order cancelled', requestedAt: 'x' }) } };
    const done = { ...cancelled, charges: { ch_1: charge({ status: 'SUCCEEDED', reason: 'order cancelled', requestedAt: 'x', decidedAt: '2026-12-01T10:00:09.000Z' }) } };
    const [event, ...more] = effectsOfChange({ eventName: 'MODIFY', oldImage: pending, newImage: done }).events;
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'OrderRefunded',
      time: '2026-12-01T10:00:09.000Z',
      detail: { orderId: ORDER_ID, userId: USER_ID, chargeId: 'ch_1', amount: USD(2500), reason: 'order cancelled' },
    });
    const again = effectsOfChange({ eventName: 'MODIFY', oldImage: pending, newImage: done }).events[0];
    expect(again?.id).toBe(event?.id);
    const otherCharge = effectsOfChange({
      eventName: 'MODIFY',
      oldImage: { ...pending, charges: { ch_2: pending.charges.ch_1 } },
      newImage: { ...done, charges: { ch_2: done.charges.ch_1 } },
    }).events[0];
    expect(otherCharge?.id).not.toBe(event?.id);
  });

  it('tells in OrderCancelled and OrderPaymentFailed what happened to the money, and nothing when no payment was attempted', () => {
    const awaiting = orderItem({ status: 'AWAITING_PAYMENT' });
    const inFlight = effectsOfChange({ eventName: 'MODIFY', oldImage: awaiting, newImage: cancelled }).events[0];
    expect(inFlight?.detail).toMatchObject({ payment: { status: 'PROCESSING', charged: USD(0), refunded: USD(0) } });

    const plain = effectsOfChange({ eventName: 'MODIFY', oldImage: awaiting, newImage: orderItem({ status: 'CANCELLED', reason: 'out of stock' }) }).events[0];
    expect(plain?.detail).not.toHaveProperty('payment');

    const expiredAfterCharge = orderItem({
      status: 'PAYMENT_FAILED',
      reason: 'payment window expired',
      paymentOutcome: 'SUCCEEDED',
      charges: { ch_1: charge({ status: 'PENDING', reason: 'payment arrived after the payment window', requestedAt: 'x' }) },
    });
    const failed = effectsOfChange({ eventName: 'MODIFY', oldImage: awaiting, newImage: expiredAfterCharge });
    expect(failed.events[0]?.detail).toMatchObject({ payment: { status: 'REFUND_PENDING', charged: USD(2500), refunded: USD(0) } });
    expect(failed.refunds.map((r) => r.chargeId)).toEqual(['ch_1']);
  });
});
