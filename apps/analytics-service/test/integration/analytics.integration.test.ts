import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import type { Report } from '@shop/contracts';
import { InvalidEventError } from '@shop/events';
import { LOCAL_TABLES_TEST_TIMEOUT_MS, type LocalTables, startLocalTables } from '@shop/local-cloud';
import { accessTokenClaims, invokeHandler, lambdaContext, routeEvent } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricShard } from '../../src/domain/metrics';
import { handler as analyticsWriter } from '../../src/handlers/analytics-writer';
import { handler as generateReport } from '../../src/handlers/generate-report';
import { handler as streamProcessor } from '../../src/handlers/stream-processor';
import { service } from '../../src/service';
import { busEvent, MUG, orderEvents, orderId } from '../fixtures';

/** The counting on DynamoDB Local: each event once, all or nothing, and the reports made of it. */

let local: LocalTables;
const route = httpRoute(service, 'generate-report');
const manager = accessTokenClaims({ userId: 'manager-1', roles: ['MANAGER'] });
const report = (query: Record<string, string>, claims = manager) =>
  invokeHandler<Report>(generateReport as never, routeEvent(route, { query, claims }));
const metricRows = async () =>
  (await local.client.send(new ScanCommand({ TableName: local.tableName('analytics-service', 'daily-metrics'), ConsistentRead: true }))).Items ?? [];

beforeAll(async () => {
  local = await startLocalTables([service]);
}, 120_000);
afterAll(async () => {
  await local?.stop();
}, 30_000);

describe('analytics on DynamoDB Local', { timeout: LOCAL_TABLES_TEST_TIMEOUT_MS }, () => {
  it('counts a paid order once, even when the event is delivered five times at once', async () => {
    const paid = busEvent(orderEvents(1).paid);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => analyticsWriter(paid as never)));
    expect(outcomes.filter((o) => o.outcome === 'recorded')).toHaveLength(1);

    const daily = await report({ period: 'daily', date: '2026-12-01' });
    expect(daily.status).toBe(200);
    expect(daily.body.orders.paid).toBe(1);
    expect(daily.body.revenue).toEqual([{ amount: 3300, currency: 'USD' }]);
    expect(daily.body.units).toContainEqual({ productId: MUG, name: 'Enamel mug', quantity: 2 });
  });

  it('counts a started checkout once per order, however often create-order tells it', async () => {
    const notice = { orderId: orderId(2), userId: 'user-2', itemCount: 3, total: { amount: 3300, currency: 'USD' }, startedAt: '2026-12-01T09:00:00.000Z' };
    await streamProcessor({ ...notice, correlationId: 'corr-2' }, lambdaContext());
    await streamProcessor({ ...notice, correlationId: 'corr-2' }, lambdaContext());
    expect((await report({ period: 'daily', date: '2026-12-01' })).body.orders.started).toBe(1);
  });

  it('rejects an event that fails its schema, and counts nothing of it', async () => {
    const before = await metricRows();
    const broken = { ...orderEvents(3).paid, detail: { ...orderEvents(3).paid.detail, items: [{ productId: MUG, quantity: -2 }] } };
    await expect(analyticsWriter(busEvent(broken) as never)).rejects.toMatchObject({ name: 'PoisonMessage', cause: expect.any(InvalidEventError) });
    await expect(analyticsWriter(busEvent({ ...orderEvents(3).paid, type: 'OrderShipped' }) as never)).rejects.toThrow(/OrderShipped v1 is not one of/);
    expect(await metricRows()).toEqual(before);
  });

  it('makes the weekly report of every day of the week, and keeps the scheduled one', async () => {
    await analyticsWriter(busEvent(orderEvents(4, '2026-12-03T12:00:00.000Z').cancelled) as never);
    await analyticsWriter(busEvent(orderEvents(5, '2026-12-06T23:00:00.000Z').paymentFailed) as never);
    const weekly = await report({ period: 'weekly', date: '2026-12-02' });
    expect(weekly.body).toMatchObject({
      from: '2026-11-30',
      to: '2026-12-06',
      orders: { paid: 1, cancelled: 1, paymentFailed: 1 },
      cancellations: [{ reason: 'out of stock', count: 1 }],
      paymentFailures: [{ reason: 'card_declined', count: 1 }],
    });

    const scheduled = (await generateReport({ period: 'daily' }, lambdaContext())) as Report;
    const kept = await local.client.send(new ScanCommand({ TableName: local.tableName('analytics-service', 'reports') }));
    expect(kept.Items).toEqual([scheduled]);

    // A run due on 2026-12-04 at 00:15 that failed, replayed from the dead-letter queue days later, makes the day it missed.
    const replayed = (await generateReport({ period: 'daily', scheduledAt: '2026-12-04T00:15:00Z' }, lambdaContext())) as Report;
    expect(replayed).toMatchObject({ period: 'daily', from: '2026-12-03', to: '2026-12-03', orders: { cancelled: 1 } });
    const lastWeek = (await generateReport({ period: 'weekly', scheduledAt: '2026-11-30T00:30:00Z' }, lambdaContext())) as Report;
    expect(lastWeek).toMatchObject({ period: 'weekly', from: '2026-11-23', to: '2026-11-29' });
  });

  it("adds a counter's shards and its row from before the shards into one figure", async () => {
    // A deployed shop's rows of the day, written before the counters were sharded.
    const table = local.tableName('analytics-service', 'daily-metrics');
    await local.client.send(new PutCommand({ TableName: table, Item: { day: '2026-11-10', metric: 'orders#paid', value: 5 } }));
    await local.client.send(new PutCommand({ TableName: table, Item: { day: '2026-11-10', metric: 'revenue#USD', value: 1000 } }));

    const paidOrder = (n: number) => orderEvents(n, '2026-11-10T12:00:00.000Z').paid;
    const paid = Array.from({ length: 16 }, (_, i) => paidOrder(20 + i));
    // All at once, and the first one delivered twice.
    await Promise.all([...paid, paidOrder(20)].map((event) => analyticsWriter(busEvent(event) as never)));

    const paidKeys = (await metricRows()).filter((row) => row.day === '2026-11-10' && String(row.metric).startsWith('orders#paid')).map((row) => row.metric);
    const shardKeys = new Set(paid.map((event) => `orders#paid#${metricShard(event.id)}`));
    expect(shardKeys.size).toBeGreaterThan(1);
    expect(paidKeys.sort()).toEqual(['orders#paid', ...shardKeys].sort());
    const daily = await report({ period: 'daily', date: '2026-11-10' });
    expect(daily.body).toMatchObject({ orders: { paid: 5 + 16 }, revenue: [{ amount: 1000 + 16 * 3300, currency: 'USD' }] });
    expect(daily.body.units).toContainEqual({ productId: MUG, name: 'Enamel mug', quantity: 16 * 2 });
  });

  it('answers 403 to a customer, and 400 naming a bad period or date', async () => {
    const customer = accessTokenClaims({ userId: 'user-1', roles: ['CUSTOMER'] });
    expect((await report({ period: 'daily' }, customer)).status).toBe(403);
    const badPeriod = await report({ period: 'monthly' });
    expect(badPeriod.status).toBe(400);
    expect(JSON.stringify(badPeriod.body)).toContain('period');
    const badDate = await report({ period: 'daily', date: '2026-02-30' });
    expect(badDate.status).toBe(400);
    expect(JSON.stringify(badDate.body)).toContain('date');
    // The week of 9999-12-31 ends in year 10000, which no ISO date can write.
    const endOfTime = await report({ period: 'weekly', date: '9999-12-31' });
    expect(endOfTime.status).toBe(400);
    expect(endOfTime.body).toMatchObject({ error: { details: [expect.objectContaining({ field: 'date', message: expect.stringContaining('9998-12-31') })] } });
  });
});
