import type { MetricSeries } from '@shop/local-cloud';
import { describe, expect, it } from 'vitest';
import { describeCheckoutMetrics, describePath } from '../src/observability';

const series = (name: string, overrides: Partial<MetricSeries> = {}): MetricSeries => ({
  namespace: 'Shop',
  name,
  unit: 'Count',
  dimensions: { service: 'order-events', stage: 'local' },
  count: 1,
  sum: 1,
  min: 1,
  max: 1,
  p50: 1,
  p99: 1,
  ...overrides,
});

describe('what the demo prints of metrics and executions', () => {
  it('reads a path as the states in order', () => {
    expect(describePath(['ValidateOrder', 'ReserveStock', 'WaitForPayment'])).toBe('ValidateOrder → ReserveStock → WaitForPayment');
  });

  it('prints the checkout metrics in reading order: counts, revenue by currency, the duration as p50, p99 and slowest', () => {
    const lines = describeCheckoutMetrics([
      series('CheckoutDurationMs', { unit: 'Milliseconds', count: 2, sum: 9000, p50: 4000, p99: 5000, max: 5000 }),
      series('RevenueCents', { unit: 'None', sum: 3160, dimensions: { service: 'order-events', stage: 'local', currency: 'USD' } }),
      series('OrdersPaid'),
      series('OrdersPlaced', { count: 2, sum: 2 }),
      series('ColdStarts', { sum: 9 }),
    ]);
    expect(lines).toEqual([
      'OrdersPlaced        2',
      'OrdersPaid          1',
      'RevenueCents        3160 (USD)',
      'CheckoutDurationMs  p50 4000 ms, p99 5000 ms, slowest 5000 ms (2 checkouts)',
    ]);
  });
});
