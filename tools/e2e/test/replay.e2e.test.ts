import { randomUUID } from 'node:crypto';
import { type MessageReport, replayClients, replayStream } from '@shop/ops';
import { newCustomer } from '@shop/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { api, clearFaults, cloud, injectFaults, setAttributes } from '../src/cloud';
import { busEventsOf, deadLetters, eventually } from '../src/events';

/*
 * `npm run replay-stream`, against the local cloud: a batch of the orders stream that order-events
 * gave up on is read again from the stream, where the dead-letter queue says it lies, and published.
 */

/** A batch's first invocation and the mapping's 10 retries (apps/order-events/src/service.ts): a fault that outlasts them makes the mapping give up. */
const INVOCATIONS_BEFORE_GIVING_UP = 1 + 10;

const clients = replayClients({
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  // DynamoDB Local serves the streams API beside the tables.
  endpoints: { sqs: cloud.sqsEndpoint, dynamodbStreams: cloud.dynamodbEndpoint, lambda: cloud.lambdaEndpoint },
});
afterAll(() => clients.destroy());
afterEach(() => clearFaults());

type OnFailureRecord = { requestContext?: { condition?: string }; DDBStreamBatchInfo?: { shardId: string; startSequenceNumber: string } };

describe('replaying the orders stream', () => {
  it('publishes the event of a batch order-events gave up on, once, and takes its message off the dead-letter queue', async () => {
    const customer = await newCustomer(api);
    const orderId = randomUUID();
    // Enough to take three batches through all their retries, should other orders' batches come
    // first (the suite's earlier files leave checkouts ending): all are given up on, and all replayed.
    await injectFaults({ kind: 'function-error', target: 'order-events/publish-order-events', count: 3 * INVOCATIONS_BEFORE_GIVING_UP });
    // An order as order-service writes it when placed: its INSERT makes an OrderCreated.
    const now = new Date().toISOString();
    const line = { productId: randomUUID(), name: 'Replayed Mug', quantity: 1, unitPrice: { amount: 1250, currency: 'USD' }, lineTotal: { amount: 1250, currency: 'USD' } };
    await setAttributes(cloud.tables.orders, { orderId }, {
      userId: customer.userId,
      cartId: randomUUID(),
      status: 'PENDING',
      items: [line],
      total: { amount: 1250, currency: 'USD' },
      correlationId: `replay-${orderId}`,
      createdAt: now,
      updatedAt: now,
    });

    // The mapping gives up and writes where the batch lies; a dry run finds the order in it, read back from the stream.
    const pending = await eventually(async () => {
      const started = Date.now();
      const summary = await replayStream(clients, { stage: cloud.stage, dryRun: true });
      const report = summary.messages.find((m) => m.records.some((r) => r.orderId === orderId));
      // What the queue held instead, should the order not turn up: the failure then says why.
      const seen = summary.messages.map((m) => `${m.kind} ${m.result} ${m.where}${m.why ? ` (${m.why})` : ''}`);
      expect(report, `a dry run of ${Date.now() - started} ms read ${seen.length} message(s): ${seen.join('; ')}`).toMatchObject({ kind: 'batch', result: 'would-replay' });
      return report as MessageReport;
    }, 90_000);
    await clearFaults();
    const { requestContext, DDBStreamBatchInfo: where } = JSON.parse(pending.body) as OnFailureRecord;
    expect(requestContext?.condition).toBe('RetryAttemptsExhausted');
    const isThatBatch = (m: unknown) => {
      const batch = (m as OnFailureRecord).DDBStreamBatchInfo;
      return batch?.shardId === where?.shardId && batch?.startSequenceNumber === where?.startSequenceNumber;
    };
    expect(await deadLetters(cloud.unpublishedChangesQueueUrl, isThatBatch)).toHaveLength(1);
    expect(await busEventsOf('OrderCreated', orderId)).toEqual([]);

    const summary = await replayStream(clients, { stage: cloud.stage, delete: true });

    expect(summary.messages.find((m) => m.messageId === pending.messageId)).toMatchObject({ result: 'replayed', deleted: true });
    const [created, ...more] = await busEventsOf('OrderCreated', orderId);
    expect(created?.event.detail.detail).toMatchObject({ orderId, userId: customer.userId, total: { amount: 1250, currency: 'USD' } });
    expect(more).toEqual([]);
    expect(await deadLetters(cloud.unpublishedChangesQueueUrl, isThatBatch)).toEqual([]);
  }, 150_000);
});
