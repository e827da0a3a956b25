import type { MetricValue } from '@shop/common';
import { type EventEnvelope, OrderCancelled, OrderCreated, OrderPaid, OrderPaymentFailed, OrderRefunded } from '@shop/events';

/**
 * The checkout's business metrics, named as infra's checkout dashboard reads them (namespace
 * `Shop`, dimensions `service` and `stage`; RevenueCents also by `currency`, since cents of two
 * currencies do not add up).
 */
export const CHECKOUT_METRICS = {
  placed: 'OrdersPlaced',
  paid: 'OrdersPaid',
  failed: 'OrdersFailed',
  cancelled: 'OrdersCancelled',
  refunded: 'OrdersRefunded',
  revenue: 'RevenueCents',
  duration: 'CheckoutDurationMs',
} as const;

const count = (name: string): MetricValue => ({ name, unit: 'Count', value: 1 });

/**
 * What an order event counts, decided from the event itself: an order reaches each state once
 * (its event id is derived from that), so each fact is counted once, where it is published.
 * `createdAt` is when the order was placed: a checkout's duration runs from there to the moment
 * it reached its final state (PAID, CANCELLED or PAYMENT_FAILED), the event's `time`.
 * An OrderRefunded counts one refund done (an order with two charges refunded counts two).
 */
export function checkoutMetrics(event: EventEnvelope, createdAt: string | undefined): MetricValue[] {
  switch (event.type) {
    case OrderCreated.type:
      return [count(CHECKOUT_METRICS.placed)];
    case OrderPaid.type: {
      const { total } = event.detail as { total: { amount: number; currency: string } };
      return [
        count(CHECKOUT_METRICS.paid),
        { name: CHECKOUT_METRICS.revenue, unit: 'None', value: total.amount, dimensions: { currency: total.currency } },
        ...duration(event, createdAt),
      ];
    }
    case OrderPaymentFailed.type:
      return [count(CHECKOUT_METRICS.failed), ...duration(event, createdAt)];
    case OrderCancelled.type:
      return [count(CHECKOUT_METRICS.cancelled), ...duration(event, createdAt)];
    case OrderRefunded.type:
      return [count(CHECKOUT_METRICS.refunded)];
    default:
      return [];
  }
}

/** From placing the order to its final state; none for an item without a usable `createdAt`. */
function duration(event: EventEnvelope, createdAt: string | undefined): MetricValue[] {
  const from = createdAt ? Date.parse(createdAt) : Number.NaN;
  const to = Date.parse(event.time);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return [];
  return [{ name: CHECKOUT_METRICS.duration, unit: 'Milliseconds', value: to - from }];
}
