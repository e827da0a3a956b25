import { createHash } from 'node:crypto';
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

/**
 * How many items each metric that every checkout or every paid order adds to is kept in:
 * `orders#started`, `orders#created`, `orders#paid` and `revenue#<currency>`, as `orders#paid#0` …
 * `orders#paid#7`. An event's transaction holds the items it adds to, and DynamoDB cancels another
 * that touches one of them meanwhile (TransactionConflict): one item a day for each took every
 * checkout's write, and conflicted constantly at about 50 checkouts/s. The report adds the shards up.
 *
 * The other metrics stay one item each: a cancellation, a failed payment or a refund comes with a
 * share of orders only, and a product's units with its share of paid orders, never more than the
 * reservations of its stock item, which conflict first. Their keys also end in free text (a reason)
 * that could end in `#3` itself, or carry a name (`label`) that shards would copy and disagree on.
 */
export const METRIC_SHARDS = 8;

/** The metrics kept in shards; none of them ends in `#<digit>` by itself (a stage, a currency code). */
const SHARDED_METRIC = /^(?:orders#(?:started|created|paid)|revenue#[A-Z]{3})$/;
const SHARD_SUFFIX = /#([0-9]+)$/;

/**
 * The shard an event's metrics go to, all of them the same one. From its id, not at random: a
 * redelivery is then the very same transaction (its marker refuses it all the same). SHA-256's
 * first byte, not a short multiplicative hash such as FNV, whose low bits (what `% 8` keeps) depend
 * on the low bits of each character only.
 */
export function metricShard(sourceId: string): number {
  return createHash('sha256').update(sourceId, 'utf8').digest().readUInt8(0) % METRIC_SHARDS;
}

/** The key `metric` is written under by an event of `shard`: a sharded metric gets the shard's suffix, any other stays as it is. */
export function shardedMetric(metric: string, shard: number): string {
  return SHARDED_METRIC.test(metric) ? `${metric}#${shard}` : metric;
}

/**
 * The metric a stored key counts toward: a shard's key without its suffix. A key written before the
 * metrics were sharded (`orders#paid`, no suffix) is the metric itself, and counts with its shards;
 * so is any key that only looks like a shard's (`cancelled-because#gate #3`).
 */
export function unshardedMetric(key: string): string {
  const suffix = SHARD_SUFFIX.exec(key);
  if (!suffix) return key;
  const metric = key.slice(0, suffix.index);
  const shard = Number(suffix[1]);
  return shard < METRIC_SHARDS && shardedMetric(metric, shard) === key ? metric : key;
}

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
