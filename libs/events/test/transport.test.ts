import { describe, expect, it } from 'vitest';
import {
  createEvent,
  envelopeFromEventBridge,
  envelopeFromSnsMessage,
  eventBridgeEntry,
  eventsPattern,
  InvalidEventError,
  ORDER_EVENTS,
  OrderCancelled,
  OrderPaid,
  parseAnyEvent,
  publishing,
  UserRegistered,
} from '../src';

const orderId = '6f1c3f0e-7d0a-4f0e-9b1a-1d2c3b4a5f6e';
const cancelled = createEvent(
  OrderCancelled,
  { orderId, userId: 'user-1', previousStatus: 'AWAITING_PAYMENT', reason: 'cancelled by customer' },
  { correlationId: 'corr-1', time: new Date('2026-01-02T03:04:05.000Z') },
);

describe('events on EventBridge and SNS', () => {
  it('puts the envelope on the bus with its source and type where rules can match them', () => {
    expect(eventBridgeEntry(cancelled, 'shop-dev-events')).toEqual({
      EventBusName: 'shop-dev-events',
      Source: 'shop.orders',
      DetailType: 'OrderCancelled',
      Detail: JSON.stringify(cancelled),
      Time: new Date('2026-01-02T03:04:05.000Z'),
    });
  });

  it('takes the envelope back out of an EventBridge event and of the SNS message a rule published', () => {
    const event = { version: '0', id: 'e-1', 'detail-type': 'OrderCancelled', source: 'shop.orders', detail: cancelled };
    expect(parseAnyEvent(ORDER_EVENTS, envelopeFromEventBridge(event))).toEqual(cancelled);
    expect(parseAnyEvent(ORDER_EVENTS, envelopeFromSnsMessage(JSON.stringify(event)))).toEqual(cancelled);
  });

  it('refuses what is not an EventBridge event, or not JSON', () => {
    expect(() => envelopeFromEventBridge({ Records: [] })).toThrow(InvalidEventError);
    expect(() => envelopeFromSnsMessage('not json')).toThrow(/not JSON/);
  });

  it('parses whichever of several events the envelope names, and refuses one it does not expect', () => {
    const parsed = parseAnyEvent([OrderPaid, OrderCancelled], cancelled);
    expect(parsed.type).toBe('OrderCancelled');
    expect(() => parseAnyEvent([OrderPaid], cancelled)).toThrow(/OrderCancelled v1 is not one of OrderPaid v1/);
    expect(() => parseAnyEvent(ORDER_EVENTS, { ...cancelled, detail: { orderId } })).toThrow(/detail is invalid/);
  });

  it('says what a publisher declares and what a rule selects, from the catalog', () => {
    expect(publishing(...ORDER_EVENTS)).toEqual({
      source: 'shop.orders',
      detailTypes: ['OrderCreated', 'OrderPaid', 'OrderCancelled', 'OrderPaymentFailed', 'OrderRefunded'],
    });
    expect(() => publishing(OrderPaid, UserRegistered)).toThrow(/one source/);
    expect(eventsPattern(OrderPaid, OrderCancelled)).toEqual({ source: ['shop.orders'], 'detail-type': ['OrderPaid', 'OrderCancelled'] });
  });
});
