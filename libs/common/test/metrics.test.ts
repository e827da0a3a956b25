import { afterEach, describe, expect, it, vi } from 'vitest';
import { emfDocuments, Metrics, recordInvocation, takeColdStart } from '../src';

const AT = Date.parse('2026-05-01T12:00:00.000Z');

function capture() {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line), docs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/**
 * What the EMF specification requires of a document: `_aws.Timestamp` in epoch ms,
 * `CloudWatchMetrics` directives naming a namespace, dimension sets whose every name is a root
 * member holding a string, and metrics whose every name is a root member holding a number or an
 * array of at most 100 numbers.
 */
function expectValidEmf(doc: Record<string, unknown>): void {
  const aws = doc['_aws'] as { Timestamp: unknown; CloudWatchMetrics: { Namespace: unknown; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  expect(Number.isInteger(aws.Timestamp)).toBe(true);
  expect(aws.CloudWatchMetrics).toHaveLength(1);
  const [directive] = aws.CloudWatchMetrics;
  expect(typeof directive?.Namespace).toBe('string');
  for (const set of directive?.Dimensions ?? []) {
    expect(set.length).toBeGreaterThan(0);
    expect(set.length).toBeLessThanOrEqual(30);
    for (const name of set) expect(typeof doc[name], name).toBe('string');
  }
  expect(directive?.Metrics.length).toBeLessThanOrEqual(100);
  for (const { Name, Unit } of directive?.Metrics ?? []) {
    expect(['Count', 'Milliseconds', 'None']).toContain(Unit);
    const value = doc[Name];
    if (Array.isArray(value)) {
      expect(value.length).toBeLessThanOrEqual(100);
      for (const v of value) expect(typeof v).toBe('number');
    } else expect(typeof value).toBe('number');
  }
}

describe('metrics in embedded metric format', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('writes one EMF line in namespace Shop with the service and stage dimensions the alarms and dashboard read', () => {
    const out = capture();
    const metrics = new Metrics({ write: out.write, now: () => AT, dimensions: { service: 'order-events', stage: 'dev' } });
    metrics.add({ name: 'OrdersPlaced', unit: 'Count', value: 1 });
    metrics.add({ name: 'CheckoutDurationMs', unit: 'Milliseconds', value: 5230 });
    metrics.flush();

    expect(out.docs()).toEqual([
      {
        _aws: {
          Timestamp: AT,
          CloudWatchMetrics: [
            {
              Namespace: 'Shop',
              Dimensions: [['service', 'stage']],
              Metrics: [
                { Name: 'OrdersPlaced', Unit: 'Count' },
                { Name: 'CheckoutDurationMs', Unit: 'Milliseconds' },
              ],
            },
          ],
        },
        service: 'order-events',
        stage: 'dev',
        OrdersPlaced: 1,
        CheckoutDurationMs: 5230,
      },
    ]);
    for (const doc of out.docs()) expectValidEmf(doc);
  });

  it('takes service and stage from the environment every function gets (SERVICE_NAME, STAGE)', () => {
    vi.stubEnv('SERVICE_NAME', 'payment-service');
    vi.stubEnv('STAGE', 'prod');
    const out = capture();
    const metrics = new Metrics({ write: out.write, now: () => AT });
    metrics.add({ name: 'RefundFailed', unit: 'Count', value: 1 });
    metrics.flush();
    expect(out.docs()[0]).toMatchObject({ service: 'payment-service', stage: 'prod', RefundFailed: 1 });
  });

  it('writes every value of a metric added several times, so that sums and percentiles count each', () => {
    const out = capture();
    const metrics = new Metrics({ write: out.write, now: () => AT, dimensions: { service: 's', stage: 'dev' } });
    for (const ms of [100, 200, 300]) metrics.add({ name: 'CheckoutDurationMs', unit: 'Milliseconds', value: ms });
    metrics.flush();
    expect(out.docs()).toHaveLength(1);
    expect(out.docs()[0]?.['CheckoutDurationMs']).toEqual([100, 200, 300]);
  });

  it('puts a metric with dimensions of its own (a currency) in a document of its own, with that dimension in its set', () => {
    const out = capture();
    const metrics = new Metrics({ write: out.write, now: () => AT, dimensions: { service: 's', stage: 'dev' } });
    metrics.add({ name: 'OrdersPaid', unit: 'Count', value: 1 });
    metrics.add({ name: 'RevenueCents', unit: 'None', value: 1580, dimensions: { currency: 'USD' } });
    metrics.add({ name: 'RevenueCents', unit: 'None', value: 990, dimensions: { currency: 'EUR' } });
    metrics.flush();
    const docs = out.docs();
    expect(docs).toHaveLength(3);
    for (const doc of docs) expectValidEmf(doc);
    expect(docs.slice(1).map((d) => [d['currency'], d['RevenueCents']])).toEqual([
      ['USD', 1580],
      ['EUR', 990],
    ]);
    expect((docs[1]?.['_aws'] as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'stage', 'currency']]);
  });

  it('splits what passes EMF limits (100 values of a metric, 100 metrics) over several documents, losing nothing', () => {
    const values = [
      ...Array.from({ length: 250 }, (_, i) => ({ name: 'OrdersPlaced', unit: 'Count' as const, value: i })),
      ...Array.from({ length: 120 }, (_, i) => ({ name: `M${i}`, unit: 'Count' as const, value: 1 })),
    ];
    const docs = emfDocuments(values, { namespace: 'Shop', dimensions: { service: 's', stage: 'dev' }, timestamp: AT });
    for (const doc of docs) expectValidEmf(doc);
    const placed = docs.flatMap((d) => (d['OrdersPlaced'] === undefined ? [] : [d['OrdersPlaced']].flat()));
    expect(placed).toEqual(values.slice(0, 250).map((v) => v.value));
    expect(docs.flatMap((d) => Object.keys(d).filter((k) => /^M\d+$/.test(k)))).toHaveLength(120);
  });

  it('writes nothing when nothing was added, and a value once only', () => {
    const out = capture();
    const metrics = new Metrics({ write: out.write, dimensions: { service: 's', stage: 'dev' } });
    metrics.flush();
    metrics.add({ name: 'OrdersPaid', unit: 'Count', value: 1 });
    metrics.flush();
    metrics.flush();
    expect(out.lines).toHaveLength(1);
  });

  it('flushes what the work added even when the work throws', async () => {
    const out = capture();
    const metrics = new Metrics({ write: out.write, dimensions: { service: 's', stage: 'dev' } });
    await expect(
      metrics.flushAfter(async () => {
        metrics.add({ name: 'OrdersPaid', unit: 'Count', value: 1 });
        throw new Error('the bus is unreachable');
      }),
    ).rejects.toThrow('the bus is unreachable');
    expect(out.docs()[0]).toMatchObject({ OrdersPaid: 1 });
  });

  it('refuses a value that CloudWatch would drop (not a finite number) and a metric written in two units', () => {
    const context = { namespace: 'Shop', dimensions: { service: 's', stage: 'dev' }, timestamp: AT };
    expect(() => emfDocuments([{ name: 'RevenueCents', unit: 'None', value: Number.NaN }], context)).toThrow(/RevenueCents/);
    expect(() =>
      emfDocuments(
        [
          { name: 'X', unit: 'Count', value: 1 },
          { name: 'X', unit: 'Milliseconds', value: 1 },
        ],
        context,
      ),
    ).toThrow(/Count and in Milliseconds/);
  });
});

describe('technical metrics of an invocation', () => {
  it('writes Invocations, ColdStarts, Errors and Retries by trigger kind, with the function named in a property', () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'shop-dev-payment-service-refund-payment');
    const out = capture();
    recordInvocation({ triggerKind: 'queue', coldStart: true, error: true, retries: 2 }, { write: out.write, now: () => AT, dimensions: { service: 'payment-service', stage: 'dev' } });
    vi.unstubAllEnvs();

    const [doc] = out.docs();
    expectValidEmf(doc ?? {});
    expect(doc).toMatchObject({
      service: 'payment-service',
      stage: 'dev',
      trigger: 'queue',
      function: 'shop-dev-payment-service-refund-payment',
      Invocations: 1,
      ColdStarts: 1,
      Errors: 1,
      Retries: 2,
    });
    expect((doc?.['_aws'] as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'stage', 'trigger']]);
  });

  it('counts a warm, successful first delivery as no cold start, no error and no retry', () => {
    const out = capture();
    recordInvocation({ triggerKind: 'http', coldStart: false, error: false }, { write: out.write, dimensions: { service: 's', stage: 'dev' } });
    expect(out.docs()[0]).toMatchObject({ Invocations: 1, ColdStarts: 0, Errors: 0, Retries: 0 });
  });

  it('reports a cold start once per instance', () => {
    expect([takeColdStart(), takeColdStart(), takeColdStart()]).toEqual([true, false, false]);
  });
});
