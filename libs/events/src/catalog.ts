import { Money, OrderLine, OrderStatus } from '@shop/domain';
import * as z from 'zod';
import { defineEvent, type EventDefinition } from './envelope';

/**
 * The event catalog, version 1. A breaking change to a detail schema is a new version of
 * the event (published side by side until every consumer has moved), never an edit here.
 */
export const UserRegistered = defineEvent({
  type: 'UserRegistered',
  version: 1,
  source: 'shop.users',
  description: 'A customer account was created.',
  detail: z.object({ userId: z.string(), email: z.string() }),
});

const OrderRef = {
  orderId: z.uuid(),
  userId: z.string(),
};

/** What was ordered and for how much: the detail of OrderCreated and OrderPaid. */
const OrderContents = z.object({ ...OrderRef, items: z.array(OrderLine).min(1), total: Money });

export const OrderCreated = defineEvent({
  type: 'OrderCreated',
  version: 1,
  source: 'shop.orders',
  description: 'A customer placed an order; checkout has started.',
  detail: OrderContents,
});

export const OrderPaid = defineEvent({
  type: 'OrderPaid',
  version: 1,
  source: 'shop.orders',
  description: 'Payment was captured and stock committed.',
  detail: OrderContents,
});

export const OrderCancelled = defineEvent({
  type: 'OrderCancelled',
  version: 1,
  source: 'shop.orders',
  description: 'The order was cancelled (by the customer or for lack of stock); reserved stock was released.',
  detail: z.object({ ...OrderRef, previousStatus: OrderStatus, reason: z.string() }),
});

export const OrderPaymentFailed = defineEvent({
  type: 'OrderPaymentFailed',
  version: 1,
  source: 'shop.orders',
  description: 'Payment was declined or its window expired; reserved stock was released.',
  detail: z.object({ ...OrderRef, reason: z.string() }),
});

/** Every event of an order's life, in the order they can happen: what order-events publishes. */
export const ORDER_EVENTS = [OrderCreated, OrderPaid, OrderCancelled, OrderPaymentFailed] as const;

export const EVENT_CATALOG = [UserRegistered, OrderCreated, OrderPaid, OrderCancelled, OrderPaymentFailed] as const satisfies readonly EventDefinition[];
