import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createEvent, OrderCreated } from '@shop/events';
import { failureReplayClients, onFailureQueue, replayFailures } from '@shop/ops';
import { loadManifests } from '@shop/platform';
import { newVerifiedCustomer } from '@shop/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { api, clearFaults, cloud, injectFaults } from '../src/cloud';
import { orderMessagesFor } from '../src/contacts';
import { deadLetters, eventually, type FailureRecord, putOnBus } from '../src/events';

/*
 * `npm run replay-failures`, against the local cloud: a notification send-notification gave up on
 * after its retries lies in failed-notifications as Lambda's record, and the command hands its
 * event to the function again.
 */

/** An event's first invocation and its 2 asynchronous retries (apps/notification-service/src/service.ts): a fault that outlasts them makes Lambda give up. */
const INVOCATIONS_BEFORE_GIVING_UP = 1 + 2;

const clients = failureReplayClients({
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  endpoints: { sqs: cloud.sqsEndpoint, lambda: cloud.lambdaEndpoint },
});
afterAll(() => clients.destroy());
afterEach(() => clearFaults());

// Whatever else earlier files left in the queue: enough that this test's message is among those read.
const MAX = 50;

/**
 * The messages in failed-notifications that a peek cannot see. The queue has no consumer, and a run
 * shows again whatever it did not delete: after a run there are none, so a message a peek does not
 * find is gone, not hidden.
 */
async function hiddenMessages(): Promise<number> {
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: cloud.failedNotificationsQueueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.['ApproximateNumberOfMessagesNotVisible']);
}

describe('replaying failed notifications', () => {
  it("sends the e-mail of an event send-notification gave up on, once, and takes Lambda's record off the queue", async () => {
    const queue = onFailureQueue('notification-service/failed-notifications', await loadManifests());
    const customer = await newVerifiedCustomer(api, 'Rita');
    const orderId = randomUUID();
    const subject = `Order ${orderId.slice(0, 8).toUpperCase()} received`;
    // Enough to take three events through all their attempts, should others' come first: this one's
    // attempts all fail, and Lambda puts it in failed-notifications.
    await injectFaults({ kind: 'function-error', target: 'notification-service/send-notification', count: 3 * INVOCATIONS_BEFORE_GIVING_UP });
    const line = { productId: randomUUID(), name: 'Replayed Teapot', quantity: 1, unitPrice: { amount: 2400, currency: 'USD' as const }, lineTotal: { amount: 2400, currency: 'USD' as const } };
    await putOnBus(createEvent(OrderCreated, { orderId, userId: customer.userId, items: [line], total: { amount: 2400, currency: 'USD' } }, { correlationId: `replay-failures-${orderId}` }));

    const isThisOrder = (record: FailureRecord) => JSON.stringify(record.requestPayload).includes(orderId);
    const [record] = await eventually(async () => {
      const records = await deadLetters(cloud.failedNotificationsQueueUrl, isThisOrder);
      expect(records).toHaveLength(1);
      return records;
    }, 60_000);
    await clearFaults();
    expect(record?.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: INVOCATIONS_BEFORE_GIVING_UP });
    const { requestId } = record!.requestContext as FailureRecord['requestContext'] & { requestId: string };
    expect(await orderMessagesFor(customer.email)).toEqual([]);

    // Without --delete, a dry run: it says what it would invoke, and sends nothing.
    const dry = await replayFailures(clients, { stage: cloud.stage, queue, max: MAX });
    expect(dry.messages.find((m) => m.requestId === requestId)).toMatchObject({
      result: 'would-replay',
      functionName: `shop-${cloud.stage}-notification-service-send-notification`,
      failedWith: expect.stringMatching(/^RetriesExhausted after 3 invocation\(s\), InjectedFault/),
    });
    expect(await orderMessagesFor(customer.email)).toEqual([]);
    expect(await hiddenMessages()).toBe(0);
    expect(await deadLetters(cloud.failedNotificationsQueueUrl, isThisOrder)).toHaveLength(1);

    const summary = await replayFailures(clients, { stage: cloud.stage, queue, max: MAX, delete: true });

    expect(summary.messages.find((m) => m.requestId === requestId)).toMatchObject({ result: 'replayed', deleted: true });
    // The invocation was answered once the e-mail went: it is there, once.
    expect((await orderMessagesFor(customer.email)).map((m) => m.subject)).toEqual([subject]);
    expect(await hiddenMessages()).toBe(0);
    expect(await deadLetters(cloud.failedNotificationsQueueUrl, isThisOrder)).toEqual([]);

    // A second run finds nothing of it, and sends nothing again.
    const again = await replayFailures(clients, { stage: cloud.stage, queue, max: MAX, delete: true });
    expect(again.messages.find((m) => m.requestId === requestId)).toBeUndefined();
    expect((await orderMessagesFor(customer.email)).map((m) => m.subject)).toEqual([subject]);
  }, 150_000);
});
