import { Metrics, recordInvocation } from '@shop/common';
import { describe, expect, it } from 'vitest';
import { MetricsCollector } from '../src/metrics-collector';

/** Lines as the runtime hands them over, written by the shop's own EMF writer. */
function emitted(write: (metrics: Metrics) => void, dimensions = { service: 'order-events', stage: 'local' }): string[] {
  const lines: string[] = [];
  const metrics = new Metrics({ write: (line) => lines.push(line), dimensions });
  write(metrics);
  metrics.flush();
  return lines;
}

function collect(lines: readonly string[]): MetricsCollector {
  const collector = new MetricsCollector();
  for (const line of lines) collector.noteLog({ functionName: 'shop-local-order-events-publish-order-events', stream: 'stdout', line });
  return collector;
}

describe('the local metrics collector (GET /_local/metrics)', () => {
  it('adds up what the functions wrote per namespace, metric and dimensions: count, sum, min, max, p50 and p99', () => {
    const lines = [
      ...emitted((m) => {
        m.add({ name: 'OrdersPlaced', unit: 'Count', value: 1 });
        for (const ms of [1000, 2000, 3000, 4000]) m.add({ name: 'CheckoutDurationMs', unit: 'Milliseconds', value: ms });
      }),
      ...emitted((m) => {
        m.add({ name: 'OrdersPlaced', unit: 'Count', value: 1 });
        m.add({ name: 'CheckoutDurationMs', unit: 'Milliseconds', value: 100_000 });
      }),
    ];
    const collector = collect(lines);
    expect(collector.list({ name: 'OrdersPlaced' })).toEqual([
      { namespace: 'Shop', name: 'OrdersPlaced', unit: 'Count', dimensions: { service: 'order-events', stage: 'local' }, count: 2, sum: 2, min: 1, max: 1, p50: 1, p99: 1 },
    ]);
    expect(collector.list({ name: 'CheckoutDurationMs' })[0]).toMatchObject({ count: 5, sum: 110_000, min: 1000, max: 100_000, p50: 3000, p99: 100_000 });
  });

  it('keeps apart series whose dimensions differ (revenue by currency), and filters by service and by name', () => {
    const collector = collect([
      ...emitted((m) => {
        m.add({ name: 'RevenueCents', unit: 'None', value: 1580, dimensions: { currency: 'USD' } });
        m.add({ name: 'RevenueCents', unit: 'None', value: 900, dimensions: { currency: 'EUR' } });
      }),
      ...emitted((m) => m.add({ name: 'RefundFailed', unit: 'Count', value: 1 }), { service: 'payment-service', stage: 'local' }),
    ]);
    expect(collector.list({ name: 'RevenueCents' }).map((s) => [s.dimensions['currency'], s.sum])).toEqual([
      ['EUR', 900],
      ['USD', 1580],
    ]);
    expect(collector.list({ service: 'payment-service' }).map((s) => s.name)).toEqual(['RefundFailed']);
    expect(collector.list({ service: 'nobody' })).toEqual([]);
  });

  it('reads the technical metrics of an invocation by trigger kind', () => {
    const lines: string[] = [];
    recordInvocation({ triggerKind: 'queue', coldStart: true, error: true, retries: 1 }, { write: (l) => lines.push(l), dimensions: { service: 'payment-service', stage: 'local' } });
    expect(collect(lines).list({ name: 'Errors' })).toMatchObject([{ dimensions: { service: 'payment-service', stage: 'local', trigger: 'queue' }, sum: 1 }]);
  });

  it('leaves alone log lines that are not EMF, and EMF that CloudWatch would reject (a dimension that is no string member)', () => {
    const collector = collect([
      '{"level":"info","message":"event published","_awsish":1}',
      'not json at all {"_aws"',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"Shop","Dimensions":[["service"]],"Metrics":[{"Name":"X","Unit":"Count"}]}]},"X":1}',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"Shop","Dimensions":[["service"]],"Metrics":[{"Name":"Y","Unit":"Count"}]}]},"service":"s","Y":"seven"}',
    ]);
    expect(collector.list()).toEqual([]);
  });
});
