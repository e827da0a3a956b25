import { Metrics, recordExpectedError, recordInvocation } from '@shop/common';
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

  it("keeps Lambda's own metrics of each invocation by function, beside the ExpectedErrors its wrapper wrote, as the errors alarm reads them", () => {
    const functionName = 'shop-local-inventory-service-reserve-stock';
    const lines: string[] = [];
    const previous = process.env['AWS_LAMBDA_FUNCTION_NAME'];
    process.env['AWS_LAMBDA_FUNCTION_NAME'] = functionName;
    try {
      recordExpectedError({ errorType: 'OutOfStock', startedAt: 1 }, { write: (l) => lines.push(l), dimensions: { service: 'inventory-service', stage: 'local' } });
    } finally {
      if (previous === undefined) delete process.env['AWS_LAMBDA_FUNCTION_NAME'];
      else process.env['AWS_LAMBDA_FUNCTION_NAME'] = previous;
    }
    const collector = collect(lines);
    collector.noteInvocation(functionName, { ok: true, durationMs: 12 });
    collector.noteInvocation(functionName, { ok: false, durationMs: 30 });
    collector.noteInvocation('shop-local-order-service-get-order', { ok: true, durationMs: 5 });

    expect(collector.list({ namespace: 'AWS/Lambda', name: 'Errors' }).map((s) => [s.dimensions, s.count, s.sum])).toEqual([
      [{ FunctionName: 'shop-local-inventory-service-reserve-stock' }, 2, 1],
      [{ FunctionName: 'shop-local-order-service-get-order' }, 1, 0],
    ]);
    expect(collector.list({ namespace: 'AWS/Lambda', name: 'Duration' })[0]).toMatchObject({ unit: 'Milliseconds', min: 12, max: 30 });
    expect(collector.list({ namespace: 'AWS/Lambda', name: 'Invocations' }).map((s) => s.sum)).toEqual([2, 1]);
    expect(collector.list({ name: 'ExpectedErrors' })).toMatchObject([
      { namespace: 'Shop', dimensions: { service: 'inventory-service', stage: 'local', function: functionName }, sum: 1 },
    ]);
    expect(collector.list({ namespace: 'Shop' }).map((s) => s.name)).toEqual(['ExpectedErrors']);
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
