import type { CheckoutStarted } from '@shop/contracts';
import { type EnvelopeOf, ORDER_EVENTS } from '@shop/events';
import { dayOf } from './days';

/** The order events analytics counts; any other event matching its rule is refused. */
export const COUNTED_EVENTS = ORDER_EVENTS;
export type CountedEvent = EnvelopeOf<(typeof COUNTED_EVENTS)[number]>;

/** One addition to one day's metric; `label` names what the key cannot (a product's name). */
export interface MetricIncrement {
  day: string;
  metric: string;
  by: number;
  label?: string;
}

/** Metric keys: `orders#paid`, `revenue#USD`, `units#<productId>`, `cancelled-because#<reason>`, … */
export const metricKey = {
  orders: (stage: 'started' | 'created' | 'paid' | 'cancelled' | 'payment-failed') => `orders#${stage}`,
  revenue: (currency: string) => `revenue#${currency}`,
  refunds: () => 'refunds#count',
  refunded: (currency: string) => `refunded#${currency}`,
  units: (productId: string) => `units#${productId}`,
  cancelledBecause: (reason: string) => `cancelled-because#${clip(reason)}`,
  paymentFailedBecause: (reason: string) => `payment-failed-because#${clip(reason)}`,
};

/** A reason stays readable in a key and under DynamoDB's 1 KB sort key. */
function clip(reason: string): string {
  return reason.trim().slice(0, 200) || 'unknown';
}

/** The top of the funnel: one checkout started, on the day it started. */
export function checkoutStartedMetrics(notice: CheckoutStarted): MetricIncrement[] {
  return [{ day: dayOf(notice.startedAt), metric: metricKey.orders('started'), by: 1 }];
}

/** What an order event adds, on the day it happened. */
export function eventMetrics(event: CountedEvent): MetricIncrement[] {
  const day = dayOf(event.time);
  switch (event.type) {
    case 'OrderCreated':
      return [{ day, metric: metricKey.orders('created'), by: 1 }];
    case 'OrderPaid':
      return [
        { day, metric: metricKey.orders('paid'), by: 1 },
        { day, metric: metricKey.revenue(event.detail.total.currency), by: event.detail.total.amount },
        ...event.detail.items.map((line) => ({ day, metric: metricKey.units(line.productId), by: line.quantity, label: line.name })),
      ];
    case 'OrderCancelled':
      return [
        { day, metric: metricKey.orders('cancelled'), by: 1 },
        { day, metric: metricKey.cancelledBecause(event.detail.reason), by: 1 },
      ];
    case 'OrderPaymentFailed':
      return [
        { day, metric: metricKey.orders('payment-failed'), by: 1 },
        { day, metric: metricKey.paymentFailedBecause(event.detail.reason), by: 1 },
      ];
    case 'OrderRefunded':
      return [
        { day, metric: metricKey.refunds(), by: 1 },
        { day, metric: metricKey.refunded(event.detail.amount.currency), by: event.detail.amount.amount },
      ];
  }
}
