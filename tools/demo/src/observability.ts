import type { MetricSeries } from '@shop/local-cloud';

/** The checkout's business metrics, in the order a newcomer reads them (what order-events writes). */
export const CHECKOUT_METRICS = ['OrdersPlaced', 'OrdersPaid', 'OrdersFailed', 'OrdersCancelled', 'OrdersRefunded', 'RevenueCents', 'CheckoutDurationMs'] as const;

/** The states an execution went through, as one line: `ValidateOrder → ReserveStock → …`. */
export function describePath(path: readonly string[]): string {
  return path.join(' → ');
}

/**
 * One line per checkout metric the shop wrote: counts as their sum, revenue by currency, the
 * checkout's duration as its median and slowest. Metrics nobody wrote yet are left out.
 */
export function describeCheckoutMetrics(series: readonly MetricSeries[]): string[] {
  const lines: string[] = [];
  for (const name of CHECKOUT_METRICS) {
    for (const s of series.filter((x) => x.namespace === 'Shop' && x.name === name)) {
      const label = name.padEnd(20);
      if (name === 'CheckoutDurationMs') lines.push(`${label}p50 ${s.p50} ms, p99 ${s.p99} ms, slowest ${s.max} ms (${s.count} checkouts)`);
      else if (name === 'RevenueCents') lines.push(`${label}${s.sum} (${s.dimensions['currency'] ?? 'no currency'})`);
      else lines.push(`${label}${s.sum}`);
    }
  }
  return lines;
}
