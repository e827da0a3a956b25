import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { createEvent, deterministicEventId, OrderPaid, parseEvent } from '../src';

const orderId = '6f1c3f0e-7d0a-4f0e-9b1a-1d2c3b4a5f6e';
const price = { amount: 1250, currency: 'USD' } as const;
const paid: z.input<typeof OrderPaid.detail> = {
  orderId,
  userId: 'user-1',
  items: [{ productId: '0b9f1a8e-2c3d-4e5f-8a7b-6c5d4e3f2a1b', name: 'Mug', quantity: 1, unitPrice: price, lineTotal: price }],
  total: price,
};

describe('deterministic event ids', () => {
  it('derives the same id from the same parts, every time', () => {
    expect(deterministicEventId(orderId, 'OrderPaid')).toBe(deterministicEventId(orderId, 'OrderPaid'));
  });

  it('keeps the derivation of the ids already published (order-events has made them this way since decision 23)', () => {
    expect(deterministicEventId(orderId, 'OrderPaid')).toBe('7e618853-99bf-8b92-979f-811d016f7b91');
  });

  it('derives different ids from different parts, and from the same text split differently', () => {
    expect(deterministicEventId(orderId, 'OrderPaid')).not.toBe(deterministicEventId(orderId, 'OrderCreated'));
    expect(deterministicEventId('ab', 'c')).not.toBe(deterministicEventId('a', 'bc'));
  });

  it('is a version 8 UUID that an envelope accepts', () => {
    const id = deterministicEventId(orderId, 'OrderPaid');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const event = createEvent(OrderPaid, paid, { correlationId: 'c', id });
    expect(parseEvent(OrderPaid, JSON.parse(JSON.stringify(event))).id).toBe(id);
  });
});
