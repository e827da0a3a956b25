import { Report, REPORT_PRODUCTS_MAX, REPORT_REASONS_MAX } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { checkoutStartedMetrics, eventMetrics, METRIC_SHARDS, metricShard, shardedMetric, unshardedMetric } from '../../src/domain/metrics';
import { buildReport, type MetricRow } from '../../src/domain/report';
import { eventId, MUG, orderEvents, orderId, PLATE } from '../fixtures';

const now = new Date('2026-12-02T00:15:00.000Z');

describe('what each event counts', () => {
  it('counts a started checkout and a placed order on their day', () => {
    expect(checkoutStartedMetrics({ orderId: orderId(1), userId: 'u', itemCount: 3, total: { amount: 3300, currency: 'USD' }, startedAt: '2026-12-01T09:59:59.000Z' })).toEqual([
      { day: '2026-12-01', metric: 'orders#started', by: 1 },
    ]);
    expect(eventMetrics(orderEvents(1).created)).toEqual([{ day: '2026-12-01', metric: 'orders#created', by: 1 }]);
  });

  it('counts a paid order, its revenue in its currency and the units of each product', () => {
    expect(eventMetrics(orderEvents(1).paid)).toEqual([
      { day: '2026-12-01', metric: 'orders#paid', by: 1 },
      { day: '2026-12-01', metric: 'revenue#USD', by: 3300 },
      { day: '2026-12-01', metric: `units#${MUG}`, by: 2, label: 'Enamel mug' },
      { day: '2026-12-01', metric: `units#${PLATE}`, by: 1, label: 'Stoneware plate' },
    ]);
  });

  it('counts cancellations and failed payments with their reasons', () => {
    expect(eventMetrics(orderEvents(1).cancelled).map((m) => m.metric)).toEqual(['orders#cancelled', 'cancelled-because#out of stock']);
    expect(eventMetrics(orderEvents(1).paymentFailed).map((m) => m.metric)).toEqual(['orders#payment-failed', 'payment-failed-because#card_declined']);
  });

  it('counts a refund and the money given back, in its currency', () => {
    expect(eventMetrics(orderEvents(1).refunded)).toEqual([
      { day: '2026-12-01', metric: 'refunds#count', by: 1 },
      { day: '2026-12-01', metric: 'refunded#USD', by: 3300 },
    ]);
  });
});

describe('the shards of the metrics every order adds to', () => {
  it('sends an event to the same shard every time, so that a redelivery is the same transaction', () => {
    const paid = orderEvents(1).paid;
    expect(metricShard(paid.id)).toBe(metricShard(orderEvents(1).paid.id));
    // Pinned: the shard must not depend on the process, the runtime or the day it is counted.
    expect(metricShard(eventId(12))).toBe(7);
    expect(metricShard('evt-1')).toBe(3);
  });

  it('spreads event ids over all the shards, about evenly', () => {
    const counts = new Map<number, number>();
    // Ids that differ in their last digits only, as the fixtures' do.
    for (let n = 0; n < 1000; n++) {
      const shard = metricShard(eventId(n));
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(Array.from({ length: METRIC_SHARDS }, (_, shard) => shard));
    expect(METRIC_SHARDS).toBe(8);
    // 125 each on average; 80 to 170 is more than four standard deviations either way.
    for (const count of counts.values()) expect(count).toBeGreaterThanOrEqual(80);
    for (const count of counts.values()) expect(count).toBeLessThanOrEqual(170);
  });

  it('shards the checkouts started, placed and paid, and the revenue; every other metric stays one key', () => {
    for (const metric of ['orders#started', 'orders#created', 'orders#paid', 'revenue#USD', 'revenue#EUR']) {
      expect(shardedMetric(metric, 5)).toBe(`${metric}#5`);
      expect(unshardedMetric(`${metric}#5`)).toBe(metric);
    }
    for (const metric of ['orders#cancelled', 'orders#payment-failed', 'refunds#count', 'refunded#USD', `units#${MUG}`, 'cancelled-because#out of stock']) {
      expect(shardedMetric(metric, 5)).toBe(metric);
    }
  });

  it('reads a key from before the shards, and a reason that only looks like a shard, as they are', () => {
    expect(unshardedMetric('orders#paid')).toBe('orders#paid');
    expect(unshardedMetric('revenue#USD')).toBe('revenue#USD');
    expect(unshardedMetric('cancelled-because#gate #3')).toBe('cancelled-because#gate #3');
    expect(unshardedMetric('orders#cancelled#3')).toBe('orders#cancelled#3');
    expect(unshardedMetric('orders#paid#8')).toBe('orders#paid#8');
    expect(unshardedMetric('orders#paid#03')).toBe('orders#paid#03');
  });
});

describe('a report', () => {
  const rows: MetricRow[] = [
    { day: '2026-12-01', metric: 'orders#started', value: 4 },
    { day: '2026-12-01', metric: 'orders#created', value: 4 },
    { day: '2026-12-01', metric: 'orders#paid', value: 1 },
    { day: '2026-12-02', metric: 'orders#paid', value: 2 },
    { day: '2026-12-01', metric: 'revenue#USD', value: 3300 },
    { day: '2026-12-02', metric: 'revenue#USD', value: 6600 },
    { day: '2026-12-02', metric: 'revenue#EUR', value: 800 },
    { day: '2026-12-01', metric: `units#${PLATE}`, value: 1, label: 'Stoneware plate' },
    { day: '2026-12-02', metric: `units#${MUG}`, value: 6, label: 'Enamel mug' },
    { day: '2026-12-01', metric: 'orders#cancelled', value: 2 },
    { day: '2026-12-01', metric: 'cancelled-because#out of stock', value: 1 },
    { day: '2026-12-01', metric: 'cancelled-because#cancelled by customer', value: 1 },
    { day: '2026-12-01', metric: 'orders#payment-failed', value: 1 },
    { day: '2026-12-01', metric: 'payment-failed-because#card_declined', value: 1 },
    { day: '2026-12-01', metric: 'refunds#count', value: 1 },
    { day: '2026-12-01', metric: 'refunded#USD', value: 1500 },
  ];

  it('adds up one day: the funnel, conversion, revenue, units and reasons', () => {
    expect(buildReport('daily', ['2026-12-01'], rows, now)).toEqual({
      period: 'daily',
      from: '2026-12-01',
      to: '2026-12-01',
      generatedAt: '2026-12-02T00:15:00.000Z',
      orders: { started: 4, created: 4, paid: 1, cancelled: 2, paymentFailed: 1 },
      conversion: 0.25,
      revenue: [{ amount: 3300, currency: 'USD' }],
      refunds: { count: 1, amounts: [{ amount: 1500, currency: 'USD' }] },
      units: [{ productId: PLATE, name: 'Stoneware plate', quantity: 1 }],
      cancellations: [
        { reason: 'cancelled by customer', count: 1 },
        { reason: 'out of stock', count: 1 },
      ],
      paymentFailures: [{ reason: 'card_declined', count: 1 }],
    });
  });

  it('adds up several days, a currency each, best sellers first, and caps conversion at 1', () => {
    const report = buildReport('weekly', ['2026-12-01', '2026-12-02'], rows, now);
    expect(report.revenue).toEqual([
      { amount: 800, currency: 'EUR' },
      { amount: 9900, currency: 'USD' },
    ]);
    expect(report.units.map((u) => [u.name, u.quantity])).toEqual([
      ['Enamel mug', 6],
      ['Stoneware plate', 1],
    ]);
    expect(buildReport('daily', ['2026-12-02'], rows, now).conversion).toBeNull();
    expect(buildReport('weekly', ['2026-12-01', '2026-12-02'], [...rows, { day: '2026-12-02', metric: 'orders#paid', value: 9 }], now).conversion).toBe(1);
  });

  it('answers revenue above the most one price may be, as its own schema allows', () => {
    const report = buildReport('weekly', ['2026-12-01'], [{ day: '2026-12-01', metric: 'revenue#USD', value: 100_000_001 }], now);
    expect(report.revenue).toEqual([{ amount: 100_000_001, currency: 'USD' }]);
    expect(Report.safeParse(report).success).toBe(true);
  });

  it('lists the best-selling products and the most frequent reasons by name, sums the rest, and so always fits one DynamoDB item', () => {
    const productId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const many: MetricRow[] = [
      // 5,000 products sold, with long names: the whole list would be about 1 MB.
      ...Array.from({ length: 5000 }, (_, i) => ({ day: '2026-12-01', metric: `units#${productId(i)}`, value: i + 1, label: `Product ${i} ${'n'.repeat(180)}` })),
      ...Array.from({ length: 30 }, (_, i) => ({ day: '2026-12-01', metric: `payment-failed-because#${'r'.repeat(400)} ${i}`, value: i + 1 })),
      { day: '2026-12-01', metric: 'cancelled-because#out of stock', value: 2 },
    ];
    const report = buildReport('weekly', ['2026-12-01'], many, now);

    expect(report.units).toHaveLength(REPORT_PRODUCTS_MAX);
    expect(report.units[0]).toMatchObject({ productId: productId(4999), quantity: 5000 });
    const shown = report.units.reduce((total, u) => total + u.quantity, 0);
    expect(report.otherUnits).toEqual({ products: 5000 - REPORT_PRODUCTS_MAX, quantity: (5000 * 5001) / 2 - shown });
    expect(report.paymentFailures).toHaveLength(REPORT_REASONS_MAX);
    expect(report.otherPaymentFailures).toEqual({ reasons: 30 - REPORT_REASONS_MAX, count: ((30 - REPORT_REASONS_MAX) * (30 - REPORT_REASONS_MAX + 1)) / 2 });
    expect(report.cancellations).toEqual([{ reason: 'out of stock', count: 2 }]);
    expect(report).not.toHaveProperty('otherCancellations');
    expect(Report.safeParse(report).success).toBe(true);
    // DynamoDB's item limit is 400 KB; the JSON of the item is about its size.
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThan(100 * 1024);
  });

  it('adds up the shards of a metric and its row from before the shards, into the same figures as one row each', () => {
    // Each sharded metric's value split over a row without a shard (a deployed shop's, written
    // before them), shard 0 and shard 7; every other metric kept as it was.
    const kept = rows.flatMap((row): MetricRow[] => {
      if (shardedMetric(row.metric, 0) === row.metric) return [row];
      const third = Math.floor(row.value / 3);
      return [
        { ...row, value: row.value - 2 * third },
        { ...row, metric: shardedMetric(row.metric, 0), value: third },
        { ...row, metric: shardedMetric(row.metric, 7), value: third },
      ];
    });
    expect(kept.filter((row) => row.metric.endsWith('#7'))).toHaveLength(7);

    expect(buildReport('daily', ['2026-12-01'], kept, now)).toEqual(buildReport('daily', ['2026-12-01'], rows, now));
    expect(buildReport('weekly', ['2026-12-01', '2026-12-02'], kept, now)).toEqual(buildReport('weekly', ['2026-12-01', '2026-12-02'], rows, now));
    expect(buildReport('weekly', ['2026-12-01', '2026-12-02'], kept, now)).toMatchObject({
      orders: { started: 4, created: 4, paid: 3, cancelled: 2, paymentFailed: 1 },
      conversion: 0.75,
      revenue: [
        { amount: 800, currency: 'EUR' },
        { amount: 9900, currency: 'USD' },
      ],
    });
  });

  it('is all zeros for days without a sale', () => {
    expect(buildReport('daily', ['2026-11-11'], rows, now)).toMatchObject({
      orders: { started: 0, created: 0, paid: 0, cancelled: 0, paymentFailed: 0 },
      conversion: null,
      revenue: [],
      refunds: { count: 0, amounts: [] },
      units: [],
    });
  });
});
