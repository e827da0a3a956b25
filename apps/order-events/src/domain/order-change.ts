import { type OrderCharge, orderPayment, OrderStatus, type PaymentFacts, type RefundRequest } from '@shop/contracts';
import { createEvent, deterministicEventId, type EventEnvelope, OrderCancelled, OrderCreated, OrderPaid, OrderPaymentFailed, OrderRefunded } from '@shop/events';
import type { MetricValue } from '@shop/common';
import * as z from 'zod/mini';
import { checkoutMetrics } from './checkout-metrics';

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
  reason: z.optional(z.string()),
  correlationId: z.optional(z.string()),
  createdAt: z.optional(z.string()),
  updatedAt: z.string(),
  /** The charges taken for the order and their refunds (order-service's OrderCharge), by charge id. */
  charges: z.optional(z.record(z.string(), z.looseObject({ amount: z.object({ amount: z.int(), currency: z.string() }) }))),
});
type OrderImage = z.infer<typeof OrderImage>;

/** One record of the orders stream, its images as plain values (unmarshalled). */
export interface OrderChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

/** What one change of an order makes happen: events for the bus, refunds to ask payment-service for, and what the change counts (checkout-metrics.ts). */
export interface ChangeEffects {
  events: EventEnvelope[];
  refunds: RefundRequest[];
  metrics: MetricValue[];
}

/**
 * Everything an order change makes: its domain event (see `eventForChange`); a refund request for
 * every charge the change marked to be refunded (order-service records that, and nothing else, so
 * that a refund is asked for exactly when the order says so: the stream is its outbox); an
 * OrderRefunded event for every refund the change recorded as done; and the metrics those events
 * count.
 */
export function effectsOfChange(change: OrderChange): ChangeEffects {
  const event = eventForChange(change);
  if (change.eventName === 'REMOVE' || !change.newImage) return { events: event ? [event] : [], refunds: [], metrics: [] };
  const order = OrderImage.parse(change.newImage);
  const before = change.oldImage ? OrderImage.parse(change.oldImage) : undefined;
  const refunds: RefundRequest[] = [];
  const refunded: EventEnvelope[] = [];
  for (const [chargeId, charge] of Object.entries(chargesOf(order))) {
    const was = chargesOf(before)[chargeId]?.refund?.status;
    const now = charge.refund?.status;
    if (now === 'PENDING' && was !== 'PENDING') {
      refunds.push({
        orderId: order.orderId,
        chargeId,
        amount: charge.amount,
        reason: charge.refund?.reason ?? 'refund',
        attempt: 1,
        correlationId: order.correlationId ?? order.orderId,
      });
    }
    if (now === 'SUCCEEDED' && was !== 'SUCCEEDED') {
      refunded.push(
        createEvent(
          OrderRefunded,
          { orderId: order.orderId, userId: order.userId, chargeId, amount: charge.amount, reason: charge.refund?.reason ?? 'refund' },
          { ...context(order, OrderRefunded.type, chargeId), time: new Date(charge.refund?.decidedAt ?? order.updatedAt) },
        ),
      );
    }
  }
  const events = [...(event ? [event] : []), ...refunded];
  // Counted from the events this change publishes: a fact is counted where it is published, once.
  return { events, refunds, metrics: events.flatMap((e) => checkoutMetrics(e, order.createdAt)) };
}

function chargesOf(order: OrderImage | undefined): Record<string, OrderCharge> {
  return (order?.charges ?? {}) as unknown as Record<string, OrderCharge>;
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

/**
 * Every event about an order gets an id from the order and the event type (an order reaches each
 * state once), and from the charge for an event about one of its charges.
 */
const context = (order: OrderImage, type: string, ...about: string[]) => ({
  id: deterministicEventId(order.orderId, type, ...about),
  correlationId: order.correlationId ?? order.orderId,
  time: new Date(order.updatedAt),
});

const contents = (order: OrderImage) => ({ orderId: order.orderId, userId: order.userId, items: order.items, total: order.total }) as z.input<
  typeof OrderCreated.detail
>;

const created = (order: OrderImage) => createEvent(OrderCreated, contents(order), context(order, OrderCreated.type));
const paid = (order: OrderImage) => createEvent(OrderPaid, contents(order), context(order, OrderPaid.type));
/** The order's money when it ended unpaid, for the customer's message: absent when no payment was ever attempted. */
const paymentOf = (order: OrderImage) => {
  const payment = orderPayment(order as unknown as PaymentFacts);
  return payment ? { payment } : {};
};
const cancelled = (order: OrderImage, previousStatus: OrderStatus) =>
  createEvent(
    OrderCancelled,
    { orderId: order.orderId, userId: order.userId, previousStatus, reason: order.reason ?? 'cancelled', ...paymentOf(order) },
    context(order, OrderCancelled.type),
  );
const paymentFailed = (order: OrderImage) =>
  createEvent(
    OrderPaymentFailed,
    { orderId: order.orderId, userId: order.userId, reason: order.reason ?? 'payment failed', ...paymentOf(order) },
    context(order, OrderPaymentFailed.type),
  );
