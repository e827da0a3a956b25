import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { createEvent, OrderPaid } from '@shop/events';
import { newCustomer, newVerifiedCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, waitForOrder } from '../src/checkout';
import { api, cloud, setAttributes } from '../src/cloud';
import { markEmailVerifiedInTable, orderMessagesFor } from '../src/contacts';
import { busEventsOf, deadLetters, eventually, outboxFor, putOnBus, traceOf } from '../src/events';

/**
 * The asynchronous half through the local cloud: the orders stream makes the events, EventBridge
 * carries them to analytics and (through SNS) to notifications, both idempotent by event id;
 * failures are retried and end in dead-letter queues with their reason.
 */

let admin: SignedInUser;
let manager: SignedInUser;

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
  manager = await signIn(api, cloud.manager.email, cloud.manager.password);
});

const today = () => new Date().toISOString().slice(0, 10);
const dailyReport = async () => {
  const res = await manager.api.get(`/reports?period=daily&date=${today()}`);
  expect(res.status).toBe(200);
  return res.body;
};
const unitsOf = (report: { units: { productId: string; quantity: number }[] }, productId: string) =>
  report.units.find((u) => u.productId === productId)?.quantity ?? 0;

async function paidOrder(customer: SignedInUser, productId: string, quantity: number) {
  const placed = await orderAwaitingPayment(customer, productId, quantity);
  expect((await customer.api.post('/payment/process', { orderId: placed.orderId, paymentMethod: TEST_PAYMENT_METHODS.approve })).status).toBe(200);
  expect((await waitForOrder(customer, placed.orderId, isStatus(...FINAL))).status).toBe('PAID');
  return placed;
}

describe('events, notifications and analytics', () => {
  it('makes exactly one OrderPaid event, one notification and one count of a paid order, even when the event is delivered twice', async () => {
    const before = await dailyReport();
    const customer = await newVerifiedCustomer(api, 'Paula', { phone: '+14155550100' });
    const mug = await newProduct(admin, 10, 1250);
    const { orderId } = await paidOrder(customer, mug, 2);

    const [paid, ...more] = await eventually(async () => {
      const events = await busEventsOf('OrderPaid', orderId);
      expect(events.length).toBeGreaterThan(0);
      return events;
    });
    expect(more).toEqual([]);
    expect(paid?.matchedRules.sort()).toEqual(['shop-local-analytics-service-order-events', 'shop-local-notification-service-order-lifecycle']);
    const email = await eventually(async () => {
      const mail = (await outboxFor(customer.email)).filter((m) => m.subject?.endsWith('is paid'));
      expect(mail).toHaveLength(1);
      return mail[0];
    });
    expect(email?.text).toContain('Paula');
    await eventually(async () => expect((await orderMessagesFor('+14155550100')).map((m) => m.text)).toEqual([expect.stringContaining('is paid')]));
    await eventually(async () => expect(unitsOf(await dailyReport(), mug)).toBe(2));

    // At-least-once delivery: the same event again, straight onto the bus.
    await putOnBus(paid!.event.detail);
    await eventually(async () => expect(await busEventsOf('OrderPaid', orderId)).toHaveLength(2));
    await eventually(async () => {
      const trace = await traceOf(paid!.event.detail.correlationId);
      const deliveries = trace.filter((t) => t.pattern === 'sns' && t.functionName.endsWith('send-notification'));
      expect(deliveries.filter((d) => d.ok).length).toBeGreaterThanOrEqual(3); // created, paid, paid again
      // The counters read below must have seen the repeat: analytics handled OrderPaid twice, not once.
      const counted = trace.filter((t) => t.ok && t.pattern === 'eventbridge' && t.functionName.endsWith('analytics-writer'));
      expect(counted.length).toBeGreaterThanOrEqual(3); // created, paid, paid again
    });
    // The trace links a function to an order only through the correlation id on its log lines: the
    // wrapper of every trigger kind carries it, from the stream, the rule, the topic and the queue alike.
    const trace = await traceOf(paid!.event.detail.correlationId);
    for (const [pattern, fn] of [
      ['dynamodb-stream', 'publish-order-events'],
      ['eventbridge', 'analytics-writer'],
      ['sns', 'send-notification'],
      ['sqs', 'update-order-status'],
      ['step-functions', 'validate-order'],
    ] as const) {
      expect(trace.some((t) => t.ok && t.pattern === pattern && t.functionName.endsWith(fn)), `${pattern} → ${fn}`).toBe(true);
    }
    expect((await outboxFor(customer.email)).filter((m) => m.subject?.endsWith('is paid'))).toHaveLength(1);
    expect(await orderMessagesFor('+14155550100')).toHaveLength(1);
    const after = await dailyReport();
    expect(unitsOf(after, mug)).toBe(2);
    expect(after.orders.paid - before.orders.paid).toBe(1);
    expect(after.orders.started - before.orders.started).toBe(1);
    expect(after.revenue.find((r: { currency: string }) => r.currency === 'USD').amount - (before.revenue.find((r: { currency: string }) => r.currency === 'USD')?.amount ?? 0)).toBe(2500);
  });

  it('completes the checkout of a customer whose notification fails, retries it, and puts it in the dead-letter queue', async () => {
    // SES refuses the reserved .invalid domain: the notification fails every time. No code can
    // reach it either, so the address is marked verified in the table: one that began to bounce.
    const customer = await newCustomer(api, 'Nobody', { email: `nobody-${randomUUID().slice(0, 8)}@shop.invalid` });
    await markEmailVerifiedInTable(customer.userId);
    const product = await newProduct(admin, 3);
    const { orderId } = await paidOrder(customer, product, 1);

    const [record] = await eventually(async () => {
      const records = await deadLetters(cloud.failedNotificationsQueueUrl, (r) => JSON.stringify(r.requestPayload).includes(orderId));
      expect(records.length).toBeGreaterThanOrEqual(2); // OrderCreated and OrderPaid both failed
      return records.filter((r) => JSON.stringify(r.requestPayload).includes('OrderPaid'));
    }, 40_000);
    expect(record?.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(record?.responsePayload).toMatchObject({ errorType: 'MessageRejected' });
    expect((await customer.api.get(`/orders/${orderId}`)).body.status).toBe('PAID');
    expect(await outboxFor(customer.email)).toEqual([]);
  });

  it('rejects an event that fails its schema: nothing counted or sent, and the reason in the dead-letter queues', async () => {
    const customer = await newVerifiedCustomer(api, 'Schema');
    const productId = randomUUID();
    const orderId = randomUUID();
    const line = { productId, name: 'Broken', quantity: 1, unitPrice: { amount: 100, currency: 'USD' as const }, lineTotal: { amount: 100, currency: 'USD' as const } };
    const valid = createEvent(OrderPaid, { orderId, userId: customer.userId, items: [line], total: { amount: 100, currency: 'USD' } }, { correlationId: `schema-${orderId}` });
    await putOnBus({ ...valid, detail: { ...valid.detail, total: { amount: -100, currency: 'USD' } } });

    const [analytics] = await eventually(async () => {
      const records = await deadLetters(cloud.failedEventsQueueUrl, (r) => JSON.stringify(r.requestPayload).includes(orderId));
      expect(records).toHaveLength(1);
      return records;
    }, 40_000);
    // A poison event: named for what it is, with what the schema found, never the event itself.
    expect(analytics?.responsePayload.errorType).toBe('PoisonMessage');
    expect(analytics?.responsePayload.errorMessage).toMatch(/OrderPaid v1 detail is invalid/);
    await eventually(async () => expect(await deadLetters(cloud.failedNotificationsQueueUrl, (r) => JSON.stringify(r.requestPayload).includes(orderId))).toHaveLength(1), 40_000);
    expect(unitsOf(await dailyReport(), productId)).toBe(0);
    expect(await orderMessagesFor(customer.email)).toEqual([]);
  });

  it('keeps an order change that can make no valid event whole in the dead-letter queue, and goes on publishing the orders after it', async () => {
    const orderId = randomUUID();
    // An order no part of the shop would write (a negative total): its INSERT cannot make an OrderCreated.
    await setAttributes(cloud.tables.orders, { orderId }, {
      userId: 'poison-user',
      cartId: randomUUID(),
      status: 'PENDING',
      items: [],
      total: { amount: -1, currency: 'USD' },
      correlationId: `poison-${orderId}`,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    });
    type Kept = { kind?: string; reason?: string; record?: { dynamodb?: { Keys?: { orderId?: { S?: string } }; NewImage?: unknown } } };
    const kept = () => deadLetters(cloud.unpublishedChangesQueueUrl, (m) => (m as unknown as Kept).record?.dynamodb?.Keys?.orderId?.S === orderId) as unknown as Promise<Kept[]>;
    await expect.poll(async () => (await kept()).length, { timeout: 20_000 }).toBe(1);
    const [message] = await kept();
    expect(message).toMatchObject({ kind: 'poison-record', reason: expect.stringMatching(/total/), record: { eventName: 'INSERT', dynamodb: { NewImage: expect.any(Object) } } });
    expect(await busEventsOf('OrderCreated', orderId)).toEqual([]);

    // The stream goes on: an order placed after it is published as ever.
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 1);
    const after = await orderAwaitingPayment(customer, product);
    await expect.poll(async () => (await busEventsOf('OrderCreated', after.orderId)).length, { timeout: 20_000 }).toBe(1);
  }, 60_000);

  it('tells of a declined payment by e-mail, and counts its reason', async () => {
    const customer = await newVerifiedCustomer(api);
    const product = await newProduct(admin, 2);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.decline });
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAYMENT_FAILED');
    await eventually(async () =>
      expect((await outboxFor(customer.email)).map((m) => m.subject)).toContain(`Payment for order ${orderId.slice(0, 8).toUpperCase()} did not go through`),
    );
    await eventually(async () => expect((await dailyReport()).paymentFailures).toContainEqual({ reason: 'card_declined', count: expect.any(Number) }));
  });

  it('carries one order through every pattern under one correlation id', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2);
    const placed = await orderAwaitingPayment(customer, product);
    const correlationId = (await eventually(async () => {
      const [created] = await busEventsOf('OrderCreated', placed.orderId);
      expect(created).toBeDefined();
      return created;
    }))!.event.detail.correlationId;
    await customer.api.post('/payment/process', { orderId: placed.orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    await waitForOrder(customer, placed.orderId, isStatus(...FINAL));

    await eventually(async () => {
      const patterns = new Set((await traceOf(correlationId)).map((t) => t.pattern));
      for (const pattern of ['api-gateway', 'sync-invoke', 'async-invoke', 'step-functions', 'dynamodb-stream', 'eventbridge', 'sns', 'sqs']) {
        expect([...patterns], pattern).toContain(pattern);
      }
    });
  });

  it('runs the daily report on its schedule and keeps it', async () => {
    const fired = await api.post(`/_local/schedules/${cloud.dailyReportSchedule}/run`, {});
    expect(fired.status).toBe(202);
    const reports = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: cloud.dynamodbEndpoint }),
    );
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await eventually(async () => {
      const { Items = [] } = await reports.send(new ScanCommand({ TableName: cloud.tables.reports }));
      expect(Items).toContainEqual(expect.objectContaining({ period: 'daily', from: yesterday, to: yesterday }));
    });
  });

  it('answers reports to ADMIN and MANAGER only, and 400 to a bad period', async () => {
    const customer = await newCustomer(api);
    expect((await customer.api.get('/reports?period=daily')).status).toBe(403);
    expect((await api.get('/reports?period=daily')).status).toBe(401);
    expect((await admin.api.get('/reports?period=weekly')).status).toBe(200);
    const bad = await admin.api.get('/reports?period=yearly');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('period');
  });
});
