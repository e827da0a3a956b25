import { type MoneySum, type Report, REPORT_PRODUCTS_MAX, REPORT_REASONS_MAX, type ReportPeriod } from '@shop/contracts';
import { unshardedMetric } from './metrics';

/** One day's metric as the store holds it: a sharded metric is several rows (`orders#paid#3`, and `orders#paid` from before it was sharded). */
export interface MetricRow {
  day: string;
  metric: string;
  value: number;
  label?: string;
}

/**
 * The report over `days` from their metrics: the funnel, revenue per currency, units per product,
 * and why orders did not end paid; the long lists cut to their first entries, the rest summed
 * (REPORT_PRODUCTS_MAX, REPORT_REASONS_MAX), so that a report always fits its one item.
 */
export function buildReport(period: ReportPeriod, days: readonly string[], rows: readonly MetricRow[], now: Date): Report {
  const totals = new Map<string, { value: number; label?: string }>();
  for (const row of rows) {
    if (!days.includes(row.day)) continue;
    // The shards of a metric, and its row from before it was sharded, all add to the one figure.
    const metric = unshardedMetric(row.metric);
    const total = totals.get(metric) ?? { value: 0 };
    total.value += row.value;
    if (row.label) total.label = row.label;
    totals.set(metric, total);
  }
  const count = (metric: string) => totals.get(metric)?.value ?? 0;
  const byPrefix = (prefix: string) =>
    [...totals].filter(([metric]) => metric.startsWith(prefix)).map(([metric, total]) => ({ key: metric.slice(prefix.length), ...total }));

  const started = count('orders#started');
  const paid = count('orders#paid');
  const units = listed(
    byPrefix('units#')
      .map(({ key, value, label }) => ({ productId: key, name: label ?? key, quantity: value }))
      .sort((a, b) => b.quantity - a.quantity || a.name.localeCompare(b.name)),
    REPORT_PRODUCTS_MAX,
  );
  const cancellations = listed(reasons(byPrefix('cancelled-because#')), REPORT_REASONS_MAX);
  const paymentFailures = listed(reasons(byPrefix('payment-failed-because#')), REPORT_REASONS_MAX);
  const sum = <T>(entries: readonly T[], of: (entry: T) => number) => entries.reduce((total, entry) => total + of(entry), 0);
  return {
    period,
    from: days[0] ?? '',
    to: days[days.length - 1] ?? '',
    generatedAt: now.toISOString(),
    orders: { started, created: count('orders#created'), paid, cancelled: count('orders#cancelled'), paymentFailed: count('orders#payment-failed') },
    // More paid than started happens when a checkout started before the period: cap at 1.
    conversion: started === 0 ? null : Math.min(1, Math.round((paid / started) * 10_000) / 10_000),
    revenue: byPrefix('revenue#')
      .map(({ key, value }) => ({ amount: value, currency: key }) as MoneySum)
      .sort((a, b) => a.currency.localeCompare(b.currency)),
    refunds: {
      count: count('refunds#count'),
      amounts: byPrefix('refunded#')
        .map(({ key, value }) => ({ amount: value, currency: key }))
        .sort((a, b) => a.currency.localeCompare(b.currency)),
    },
    units: units.shown,
    ...(units.rest.length > 0 && { otherUnits: { products: units.rest.length, quantity: sum(units.rest, (u) => u.quantity) } }),
    cancellations: cancellations.shown,
    paymentFailures: paymentFailures.shown,
    ...(cancellations.rest.length > 0 && { otherCancellations: { reasons: cancellations.rest.length, count: sum(cancellations.rest, (r) => r.count) } }),
    ...(paymentFailures.rest.length > 0 && { otherPaymentFailures: { reasons: paymentFailures.rest.length, count: sum(paymentFailures.rest, (r) => r.count) } }),
  };
}

/** The first `max` of a list sorted most first, and the rest, which the report only sums. */
function listed<T>(sorted: T[], max: number): { shown: T[]; rest: T[] } {
  return { shown: sorted.slice(0, max), rest: sorted.slice(max) };
}

function reasons(entries: { key: string; value: number }[]): { reason: string; count: number }[] {
  return entries.map(({ key, value }) => ({ reason: key, count: value })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
