import { InvalidEventError, OrderCancelled, OrderCreated, OrderPaid, OrderPaymentFailed, parseEvent } from '@shop/events';
import { describe, expect, it } from 'vitest';
import { deterministicEventId } from '../../src/domain/event-id';
import { eventForChange } from '../../src/domain/order-change';
import { ORDER_ID, orderItem } from '../fixtures';

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
