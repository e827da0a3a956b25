import { OrderStatus } from '@shop/domain';
import { createEvent, type EventEnvelope, OrderCancelled, OrderCreated, OrderPaid, OrderPaymentFailed } from '@shop/events';
import * as z from 'zod';
import { deterministicEventId } from './event-id';

/**
 * What an order's item in the table holds that its events need. The item has more (the
 * checkout's task token, idempotency details): the events carry only what a consumer may see.
 */
const OrderImage = z.looseObject({
  orderId: z.string(),
  userId: z.string(),
  status: OrderStatus,
  items: z.unknown(),
  total: z.unknown(),
  reason: z.string().optional(),
  correlationId: z.string().optional(),
  updatedAt: z.string(),
});
type OrderImage = z.infer<typeof OrderImage>;

/** One record of the orders stream, its images as plain values (unmarshalled). */
export interface OrderChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

/**
 * The domain event an order change makes, or none: a new order is OrderCreated; a move to PAID,
 * CANCELLED or PAYMENT_FAILED is OrderPaid, OrderCancelled or OrderPaymentFailed. Other writes
 * (AWAITING_PAYMENT, the checkout's own attributes, a removal) are not news to anyone outside.
 * Throws `InvalidEventError` for an item that cannot make a valid event: it is reported, not
 * skipped, so that it reaches the dead-letter queue rather than vanishing.
 */
export function eventForChange(change: OrderChange): EventEnvelope | undefined {
  if (change.eventName === 'REMOVE' || !change.newImage) return undefined;
  const order = OrderImage.parse(change.newImage);
  const before = change.oldImage ? OrderImage.parse(change.oldImage) : undefined;
  if (change.eventName === 'INSERT') return order.status === 'PENDING' ? created(order) : undefined;
  if (!before || before.status === order.status) return undefined;
  switch (order.status) {
    case 'PAID':
      return paid(order);
    case 'CANCELLED':
      return cancelled(order, before.status);
    case 'PAYMENT_FAILED':
      return paymentFailed(order);
    default:
      return undefined;
  }
}

/** Every event about an order gets an id from the order and the event type: an order reaches each state once. */
const context = (order: OrderImage, type: string) => ({
  id: deterministicEventId(order.orderId, type),
  correlationId: order.correlationId ?? order.orderId,
  time: new Date(order.updatedAt),
});

const contents = (order: OrderImage) => ({ orderId: order.orderId, userId: order.userId, items: order.items, total: order.total }) as z.input<
  typeof OrderCreated.detail
>;

const created = (order: OrderImage) => createEvent(OrderCreated, contents(order), context(order, OrderCreated.type));
const paid = (order: OrderImage) => createEvent(OrderPaid, contents(order), context(order, OrderPaid.type));
const cancelled = (order: OrderImage, previousStatus: OrderStatus) =>
  createEvent(
    OrderCancelled,
    { orderId: order.orderId, userId: order.userId, previousStatus, reason: order.reason ?? 'cancelled' },
    context(order, OrderCancelled.type),
  );
const paymentFailed = (order: OrderImage) =>
  createEvent(OrderPaymentFailed, { orderId: order.orderId, userId: order.userId, reason: order.reason ?? 'payment failed' }, context(order, OrderPaymentFailed.type));
