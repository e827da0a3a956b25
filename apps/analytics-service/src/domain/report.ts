import type { MoneySum, Report, ReportPeriod } from '@shop/contracts';

/** One day's metric as the store holds it. */
export interface MetricRow {
  day: string;
  metric: string;
  value: number;
  label?: string;
}

/** The report over `days` from their metrics: the funnel, revenue per currency, units per product, and why orders did not end paid. */
export function buildReport(period: ReportPeriod, days: readonly string[], rows: readonly MetricRow[], now: Date): Report {
  const totals = new Map<string, { value: number; label?: string }>();
  for (const row of rows) {
    if (!days.includes(row.day)) continue;
    const total = totals.get(row.metric) ?? { value: 0 };
    total.value += row.value;
    if (row.label) total.label = row.label;
    totals.set(row.metric, total);
  }
  const count = (metric: string) => totals.get(metric)?.value ?? 0;
  const byPrefix = (prefix: string) =>
    [...totals].filter(([metric]) => metric.startsWith(prefix)).map(([metric, total]) => ({ key: metric.slice(prefix.length), ...total }));

  const started = count('orders#started');
  const paid = count('orders#paid');
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
    units: byPrefix('units#')
      .map(({ key, value, label }) => ({ productId: key, name: label ?? key, quantity: value }))
      .sort((a, b) => b.quantity - a.quantity || a.name.localeCompare(b.name)),
    cancellations: reasons(byPrefix('cancelled-because#')),
    paymentFailures: reasons(byPrefix('payment-failed-because#')),
  };
}

function reasons(entries: { key: string; value: number }[]): { reason: string; count: number }[] {
  return entries.map(({ key, value }) => ({ reason: key, count: value })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
