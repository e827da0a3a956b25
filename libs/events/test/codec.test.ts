import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { createEvent, EVENT_CATALOG, InvalidEventError, OrderCancelled, OrderPaid, parseEvent } from '../src';

const orderId = '6f1c3f0e-7d0a-4f0e-9b1a-1d2c3b4a5f6e';
const productId = '0b9f1a8e-2c3d-4e5f-8a7b-6c5d4e3f2a1b';
const paid: z.input<typeof OrderPaid.detail> = {
  orderId,
  userId: 'user-1',
  items: [
    { productId, name: 'Mug', quantity: 2, unitPrice: { amount: 1250, currency: 'USD' }, lineTotal: { amount: 2500, currency: 'USD' } },
  ],
  total: { amount: 2500, currency: 'USD' },
};

describe('event codec', () => {
  it('wraps a valid detail in an envelope that a consumer parses back unchanged', () => {
    const event = createEvent(OrderPaid, paid, { correlationId: 'corr-1', time: new Date('2026-01-02T03:04:05.000Z') });
    expect(event).toMatchObject({ type: 'OrderPaid', version: 1, source: 'shop.orders', correlationId: 'corr-1', time: '2026-01-02T03:04:05.000Z' });
    expect(parseEvent(OrderPaid, JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('refuses to create an event whose detail breaks its schema', () => {
    expect(() => createEvent(OrderPaid, { ...paid, total: { amount: 1.5, currency: 'USD' } }, { correlationId: 'c' })).toThrow(InvalidEventError);
  });

  it('rejects an envelope of another type or version', () => {
    const event = createEvent(OrderPaid, paid, { correlationId: 'c' });
    expect(() => parseEvent(OrderCancelled, event)).toThrow(/expected OrderCancelled v1, got OrderPaid v1/);
    expect(() => parseEvent(OrderPaid, { ...event, version: 2 })).toThrow(/got OrderPaid v2/);
  });

  it('rejects a received detail that fails the schema and names the field', () => {
    const event = createEvent(OrderPaid, paid, { correlationId: 'c' });
    try {
      parseEvent(OrderPaid, { ...event, detail: { ...paid, orderId: 'not-a-uuid' } });
      expect.unreachable('parseEvent accepted a bad detail');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).issues.join()).toMatch(/^orderId:/);
    }
  });

  it('rejects something that is not an envelope at all', () => {
    expect(() => parseEvent(OrderPaid, { hello: 'world' })).toThrow(/not an event envelope/);
  });

  it('has one definition per type and version, each from a shop source', () => {
    const keys = EVENT_CATALOG.map((e) => `${e.type}@${e.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of EVENT_CATALOG) expect(e.source).toMatch(/^shop\.[a-z]+$/);
  });
});
