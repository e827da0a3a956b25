import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/publish-order-events';
import { ORDER_ID, orderItem, paidCheckout, streamRecord } from '../fixtures';

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const REFUNDS_QUEUE = 'http://sqs.local/000000000000/shop-test-payment-service-refunds';
const UNPUBLISHED_CHANGES_QUEUE = 'http://sqs.local/000000000000/shop-test-order-events-unpublished-changes';
const BUS = 'shop-test-events';
const orderId = (n: number) => `6f1c3f0e-7d0a-4f0e-9b1a-${String(n).padStart(12, '0')}`;

beforeEach(() => {
  eventBridge.reset();
  sqs.reset();
  vi.stubEnv('EVENT_BUS_NAME', BUS);
  vi.stubEnv('PAYMENT_SERVICE_REFUNDS_QUEUE_URL', REFUNDS_QUEUE);
  vi.stubEnv('ORDER_EVENTS_UNPUBLISHED_CHANGES_QUEUE_URL', UNPUBLISHED_CHANGES_QUEUE);
  // The metrics' EMF lines, kept off the test output (metricLines() reads them).
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});
afterAll(() => {
  eventBridge.restore();
  sqs.restore();
});

/** A cancelled order whose late charge order-service marked to be refunded. */
function chargeMarkedForRefund(orderId = ORDER_ID) {
  const cancelled = orderItem({ orderId, status: 'CANCELLED', reason: 'cancelled by customer', charges: {} });
  const marked = {
    ...cancelled,
    charges: { [`ch_${orderId.slice(-4)}`]: { amount: { amount: 2500, currency: 'USD' }, pays: false, refund: { status: 'PENDING', reason: 'order cancelled', requestedAt: 'x' }, at: 'x' } },
  };
  return streamRecord('MODIFY', { oldImage: cancelled, newImage: marked });
}

const accepted = (input: PutEventsCommandInput) => ({
  FailedEntryCount: 0,
  Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `eb-${i}` })),
});
const putEntries = () => eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);

/**
 * The checkout's EMF lines the function writes to stdout, for CloudWatch to turn into metrics; not
 * the wrapper's technical ones (Invocations, Errors…, which carry a `trigger` dimension).
 */
function metricLines(): () => Record<string, unknown>[] {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return () =>
    write.mock.calls
      .map(([chunk]) => String(chunk))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => !('trigger' in line));
}
/** Each metric's values over every line, e.g. `{OrdersPlaced: [1, 1]}`. */
function counted(lines: Record<string, unknown>[]): Record<string, number[]> {
  const values: Record<string, number[]> = {};
  for (const line of lines) {
    const { CloudWatchMetrics } = line['_aws'] as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
    for (const { Name } of CloudWatchMetrics[0]?.Metrics ?? []) values[Name] = [...(values[Name] ?? []), ...[line[Name] as number | number[]].flat()];
  }
  return values;
}

describe('publish-order-events', () => {
  it("puts a paid order's OrderCreated and OrderPaid on the shop's bus, and reports no failure", async () => {
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    const answer = await handler({ Records: paidCheckout() });

    expect(answer).toEqual({ batchItemFailures: [] });
    // One event of an order per request: OrderPaid is not put until OrderCreated was taken.
    expect(putEntries().map((entries) => entries.map((e) => [e.EventBusName, e.Source, e.DetailType]))).toEqual([
      [[BUS, 'shop.orders', 'OrderCreated']],
      [[BUS, 'shop.orders', 'OrderPaid']],
    ]);
    const entries = putEntries().flat();
    expect(JSON.parse(entries[1]?.Detail ?? '{}')).toMatchObject({ type: 'OrderPaid', correlationId: 'corr-1', detail: { total: { amount: 2500 } } });
  });

  it('puts at most ten entries per request, in stream order', async () => {
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    const records = Array.from({ length: 23 }, (_, i) => streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(i) }) }));
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    const sent = putEntries();
    expect(sent.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(sent.flat().map((e) => JSON.parse(e.Detail ?? '{}').detail.orderId)).toEqual(records.map((_, i) => orderId(i)));
  });

  it('puts again only the entries the bus refused (FailedEntryCount), and then reports nothing', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'eb-1' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }] })
      .callsFake(accepted);
    const records = [1, 2].map((i) => streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(i) }) }));
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(putEntries().map((entries) => entries.map((e) => JSON.parse(e.Detail ?? '{}').detail.orderId))).toEqual([[orderId(1), orderId(2)], [orderId(2)]]);
  });

  it('reports the first record whose event still failed, so the stream retries from it and skips nothing', async () => {
    const records = [
      ...paidCheckout(orderId(1)),
      streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(2) }) }),
    ];
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 1,
      Entries: (input.Entries ?? []).map((e) =>
        e.DetailType === 'OrderPaid' ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: 'eb' },
      ),
    }));
    const answer = await handler({ Records: records });
    // records[2] made the OrderPaid that kept failing; records[3] comes again after it.
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: records[2]?.dynamodb?.SequenceNumber }] });
    // OrderCreated alone (its order's OrderPaid waits for a request of its own), then three tries of OrderPaid with the other order's OrderCreated.
    expect(putEntries().map((entries) => entries.map((e) => e.DetailType))).toEqual([['OrderCreated'], ['OrderPaid', 'OrderCreated'], ['OrderPaid'], ['OrderPaid']]);
  });

  it('keeps a record that cannot make a valid event whole in the dead-letter queue, and goes on past it', async () => {
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const good = streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(1) }) });
    const poison = streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(2), total: { amount: -1, currency: 'USD' } }) });
    const after = streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(3) }) });

    const answer = await handler({ Records: [good, poison, after] });

    expect(answer).toEqual({ batchItemFailures: [] });
    expect(putEntries().flat().map((e) => JSON.parse(e.Detail ?? '{}').detail.orderId)).toEqual([orderId(1), orderId(3)]);
    const [kept] = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(kept).toMatchObject({
      QueueUrl: UNPUBLISHED_CHANGES_QUEUE,
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'poison-record' }, sequenceNumber: { StringValue: poison.dynamodb?.SequenceNumber } },
    });
    expect(JSON.parse(kept?.MessageBody ?? '{}')).toMatchObject({ kind: 'poison-record', reason: expect.stringMatching(/total/), record: JSON.parse(JSON.stringify(poison)) });
  });

  it('stops before a record that cannot make a valid event when it cannot be kept either: it is retried, and nothing after it is published', async () => {
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    sqs.on(SendMessageCommand).rejects(new Error('SQS unreachable'));
    const good = streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(1) }) });
    const poison = streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(2), total: { amount: -1, currency: 'USD' } }) });
    const after = streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(3) }) });

    const answer = await handler({ Records: [good, poison, after] });
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: poison.dynamodb?.SequenceNumber }] });
    expect(putEntries().flat().map((e) => JSON.parse(e.Detail ?? '{}').detail.orderId)).toEqual([orderId(1)]);
  });

  it('fails the whole batch when the bus cannot be reached at all', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('connect ECONNREFUSED'));
    await expect(handler({ Records: paidCheckout() })).rejects.toThrow(/ECONNREFUSED/);
  });

  it("asks payment-service for the refund of a charge the order marked, on its refunds queue", async () => {
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await expect(handler({ Records: [chargeMarkedForRefund()] })).resolves.toEqual({ batchItemFailures: [] });
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.QueueUrl).toBe(REFUNDS_QUEUE);
    expect(JSON.parse(sent[0]?.MessageBody ?? '{}')).toEqual({
      orderId: ORDER_ID,
      chargeId: `ch_${ORDER_ID.slice(-4)}`,
      amount: { amount: 2500, currency: 'USD' },
      reason: 'order cancelled',
      attempt: 1,
      correlationId: 'corr-1',
    });
  });

  it("counts the checkout's metrics in namespace Shop for the service and stage, once the records are published", async () => {
    vi.stubEnv('SERVICE_NAME', 'order-events');
    vi.stubEnv('STAGE', 'test');
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    const lines = metricLines();
    await handler({ Records: paidCheckout() });

    expect(lines()[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Shop', Dimensions: [['service', 'stage']] }] },
      service: 'order-events',
      stage: 'test',
    });
    // Placed 10:00:00, paid 10:00:05 (fixtures).
    expect(counted(lines())).toEqual({ OrdersPlaced: [1], OrdersPaid: [1], CheckoutDurationMs: [5000], RevenueCents: [2500] });
    expect(lines().find((l) => 'RevenueCents' in l)).toMatchObject({ currency: 'USD' });
  });

  it('counts only the records before the one the stream retries from: those come again and are counted then', async () => {
    const records = [...paidCheckout(orderId(1)), streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(2) }) })];
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 1,
      Entries: (input.Entries ?? []).map((e) => (e.DetailType === 'OrderPaid' ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: 'eb' })),
    }));
    const lines = metricLines();
    await handler({ Records: records });
    expect(counted(lines())).toEqual({ OrdersPlaced: [1] });

    // The retry, from the failed record on, now published: its facts are counted then, once.
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    await handler({ Records: records.slice(2) });
    expect(counted(lines())).toEqual({ OrdersPlaced: [1, 1], OrdersPaid: [1], RevenueCents: [2500], CheckoutDurationMs: [5000] });
  });

  it('counts nothing when the whole batch fails, since all of it comes again', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('connect ECONNREFUSED'));
    const lines = metricLines();
    await expect(handler({ Records: paidCheckout() })).rejects.toThrow(/ECONNREFUSED/);
    expect(lines()).toEqual([]);
  });

  it('reports the record whose refund request could not be sent, so the stream retries from it, and sends nothing after it', async () => {
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    sqs.on(SendMessageCommand).rejectsOnce(new Error('SQS unreachable')).resolves({ MessageId: 'm-2' });
    const first = chargeMarkedForRefund(orderId(1));
    const second = chargeMarkedForRefund(orderId(2));
    const answer = await handler({ Records: [first, second] });
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: first.dynamodb?.SequenceNumber }] });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('sends no refund request for a record after one whose event was refused: it comes again from there, and is asked for then, once', async () => {
    const refused = streamRecord('INSERT', { newImage: orderItem({ orderId: orderId(1) }) });
    const marked = chargeMarkedForRefund(orderId(2));
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 1,
      Entries: (input.Entries ?? []).map((e) =>
        JSON.parse(e.Detail ?? '{}').detail.orderId === orderId(1) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: 'eb' },
      ),
    }));

    const answer = await handler({ Records: [refused, marked] });

    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: refused.dynamodb?.SequenceNumber }] });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);

    eventBridge.on(PutEventsCommand).callsFake(accepted);
    expect(await handler({ Records: [refused, marked] })).toEqual({ batchItemFailures: [] });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });
});
