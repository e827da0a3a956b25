import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadManifests, type ServiceManifest } from '@shop/platform';
import { invokeAnswer } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { positiveIntegerOption, UsageError } from '../src/options';
import {
  formatFailureReport,
  formatFailuresSummary,
  onFailureQueue,
  onFailureQueues,
  type OnFailureQueue,
  replayFailures,
  type ReplayFailuresRequest,
  withoutContacts,
} from '../src/replay-failures';

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const tools = () => ({ sqs: new SQSClient({ region: 'eu-west-1' }), lambda: new LambdaClient({ region: 'eu-west-1' }) });

const FAILED_NOTIFICATIONS: OnFailureQueue = { service: 'notification-service', queue: 'failed-notifications', functions: ['notification-service/send-notification'] };
const replay = (request: Partial<ReplayFailuresRequest> = {}) => replayFailures(tools(), { stage: 'dev', queue: FAILED_NOTIFICATIONS, ...request });

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-notification-service-failed-notifications';
const FUNCTION = 'shop-dev-notification-service-send-notification';
const EMAIL = 'ann.customer@example.com';

/** The SNS event send-notification was given: it names the customer's address, which nothing may print. */
const snsEvent = (orderId: string) => ({
  Records: [{ EventSource: 'aws:sns', Sns: { MessageId: `sns-${orderId}`, Message: JSON.stringify({ detail: { orderId, email: EMAIL } }) } }],
});

/** Lambda's record of an asynchronous invocation that failed its retries (tools/local-cloud/src/async-invoke/destination-record.ts). */
function failureRecord(id: string, options: { functionArn?: string; payload?: unknown } = {}) {
  return {
    version: '1.0',
    timestamp: '2026-05-01T10:05:00.000Z',
    requestContext: {
      requestId: `request-${id}`,
      functionArn: options.functionArn ?? `arn:aws:lambda:eu-west-1:123456789012:function:${FUNCTION}:live`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: 'payload' in options ? options.payload : snsEvent(`order-${id}`),
    responseContext: { statusCode: 200, executedVersion: '7', functionError: 'Unhandled' },
    responsePayload: { errorType: 'MessageRejected', errorMessage: `Email address is not verified: ${EMAIL}` },
  };
}
const message = (id: string, body: unknown = failureRecord(id)): Message => ({
  MessageId: id,
  ReceiptHandle: `handle-${id}`,
  Body: typeof body === 'string' ? body : JSON.stringify(body),
});

const answer = invokeAnswer;

const invoked = () => lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
const invokedPayload = (n = 0) => JSON.parse(new TextDecoder().decode(invoked()[n]!.Payload as Uint8Array)) as unknown;
const deleted = () => sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle);
const shownAgain = () => sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.ReceiptHandle);
/** Everything a run prints: each message's lines and the summary. */
const printed = (summary: Awaited<ReturnType<typeof replayFailures>>, request: Partial<ReplayFailuresRequest> = {}) =>
  [...summary.messages.flatMap(formatFailureReport), ...formatFailuresSummary(summary, request)].join('\n');

/** The queue holds `messages`, received in one batch, and nothing after them. */
function queueHolds(...messages: Message[]) {
  let received = false;
  sqs.on(ReceiveMessageCommand).callsFake(() => {
    if (received) return {};
    received = true;
    return { Messages: messages };
  });
}

beforeEach(() => {
  sqs.reset();
  lambda.reset();
  sqs.on(GetQueueUrlCommand, { QueueName: 'shop-dev-notification-service-failed-notifications' }).resolves({ QueueUrl: QUEUE_URL });
  sqs.on(DeleteMessageCommand).resolves({});
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  lambda.on(InvokeCommand).resolves(answer(null));
});

describe('without --delete: a dry run', () => {
  it('says what it would invoke for each record, and invokes and deletes nothing; the messages show in the queue again', async () => {
    queueHolds(message('m-1'), message('m-2'));

    const summary = await replay();

    expect(invoked()).toEqual([]);
    expect(deleted()).toEqual([]);
    expect(shownAgain()).toEqual(['handle-m-1', 'handle-m-2']);
    expect(summary).toMatchObject({ wouldReplay: 2, replayed: 0, left: [], reachedMax: false });
    expect(formatFailureReport(summary.messages[0]!)).toEqual([
      `would invoke: message m-1, request request-m-1 to ${FUNCTION}:live (failed: RetriesExhausted after 3 invocation(s), MessageRejected)`,
    ]);
    expect(formatFailuresSummary(summary, {})).toEqual(['2 message(s) read: 2 would be replayed (--delete replays them and deletes each one replayed), 0 left in the queue.']);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({ QueueUrl: QUEUE_URL, VisibilityTimeout: 900 });
  });
});

describe('with --delete', () => {
  it("invokes the function the record names through its live alias, waiting for its answer, with the record's event as it was, then deletes the message", async () => {
    const record = failureRecord('m-1');
    queueHolds(message('m-1', record));
    const order: string[] = [];
    lambda.on(InvokeCommand).callsFake(() => (order.push('invoke'), answer(null)));
    sqs.on(DeleteMessageCommand).callsFake(() => (order.push('delete'), {}));

    const summary = await replay({ delete: true });

    expect(invoked()).toEqual([expect.objectContaining({ FunctionName: FUNCTION, Qualifier: 'live', InvocationType: 'RequestResponse' })]);
    expect(invokedPayload()).toEqual(record.requestPayload);
    expect(order).toEqual(['invoke', 'delete']);
    expect(deleted()).toEqual(['handle-m-1']);
    expect(shownAgain()).toEqual([]);
    expect(summary).toMatchObject({ replayed: 1, deleted: 1, left: [] });
    expect(formatFailureReport(summary.messages[0]!)[0]).toMatch(/^replayed, deleted: message m-1, request request-m-1 to shop-dev-notification-service-send-notification:live/);
  });

  it('invokes the function a record names whatever qualifier the record gives, and any of the functions that fail into the queue', async () => {
    const failedEvents: OnFailureQueue = { service: 'analytics-service', queue: 'failed-events', functions: ['analytics-service/stream-processor', 'analytics-service/analytics-writer'] };
    sqs.on(GetQueueUrlCommand, { QueueName: 'shop-dev-analytics-service-failed-events' }).resolves({ QueueUrl: 'failed-events-url' });
    const arn = (name: string, qualifier = '') => `arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-analytics-service-${name}${qualifier}`;
    queueHolds(
      message('m-1', failureRecord('m-1', { functionArn: arn('analytics-writer', ':$LATEST'), payload: { id: 'event-1' } })),
      message('m-2', failureRecord('m-2', { functionArn: arn('stream-processor'), payload: { kind: 'checkout-started' } })),
    );

    const summary = await replay({ queue: failedEvents, delete: true });

    expect(invoked().map((i) => [i.FunctionName, i.Qualifier])).toEqual([
      ['shop-dev-analytics-service-analytics-writer', 'live'],
      ['shop-dev-analytics-service-stream-processor', 'live'],
    ]);
    expect([invokedPayload(0), invokedPayload(1)]).toEqual([{ id: 'event-1' }, { kind: 'checkout-started' }]);
    expect(summary).toMatchObject({ replayed: 2, deleted: 2 });
  });

  it('leaves a message whose function fails again, saying why without the addresses in the error, and goes on with the next', async () => {
    queueHolds(message('m-1'), message('m-2'));
    lambda
      .on(InvokeCommand)
      .resolvesOnce(answer({ errorType: 'MessageRejected', errorMessage: `Email address is not verified. The following identities failed the check: ${EMAIL}, +14155550142` }, 'Unhandled'))
      .resolvesOnce(answer(null));

    const summary = await replay({ delete: true });

    expect(invoked()).toHaveLength(2);
    expect(deleted()).toEqual(['handle-m-2']);
    expect(shownAgain()).toEqual(['handle-m-1']);
    expect(summary).toMatchObject({ replayed: 1, deleted: 1 });
    expect(summary.left.map((r) => [r.messageId, r.why])).toEqual([
      [
        'm-1',
        `${FUNCTION}:live failed again (Unhandled), MessageRejected: Email address is not verified. The following identities failed the check: <e-mail>, <phone>: run again once the cause is mended`,
      ],
    ]);
    expect(formatFailuresSummary(summary, { delete: true })[0]).toBe('2 message(s) read: 1 replayed (1 deleted), 1 left in the queue:');
  });

  it('leaves a message when the invocation throws (throttled, not allowed), and does not delete it', async () => {
    queueHolds(message('m-1'));
    lambda.on(InvokeCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));

    const summary = await replay({ delete: true });

    expect(deleted()).toEqual([]);
    expect(shownAgain()).toEqual(['handle-m-1']);
    expect(summary.left[0]!.why).toBe(`invoking ${FUNCTION}:live failed: TooManyRequestsException: Rate exceeded`);
  });

  it('says so when the function took the event but deleting the message failed', async () => {
    queueHolds(message('m-1'));
    sqs.on(DeleteMessageCommand).rejects(new Error('access denied'));

    const summary = await replay({ delete: true });

    expect(invoked()).toHaveLength(1);
    expect(summary.left[0]!.why).toMatch(/^replayed, but deleting the message failed \(access denied\)/);
  });
});

describe('what is not replayed', () => {
  it("leaves, with why, a body that is not Lambda's record of a failed asynchronous invocation, and invokes nothing", async () => {
    const streamRecord = { requestContext: { requestId: 'r-s', functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${FUNCTION}`, condition: 'RetryAttemptsExhausted' }, DDBStreamBatchInfo: {} };
    queueHolds(
      message('m-text', 'not json at all'),
      message('m-hello', { hello: 'world' }),
      message('m-arn', { ...failureRecord('m-arn'), requestContext: { ...failureRecord('m-arn').requestContext, functionArn: 'shop-dev-notification-service-send-notification' } }),
      message('m-stream', streamRecord),
    );

    const summary = await replay({ delete: true });

    expect(invoked()).toEqual([]);
    expect(deleted()).toEqual([]);
    expect(summary.left.map((r) => [r.messageId, r.why])).toEqual([
      ['m-text', "not Lambda's record of a failed asynchronous invocation: the body is not JSON"],
      ['m-hello', "not Lambda's record of a failed asynchronous invocation: requestContext missing or not as Lambda writes it"],
      ['m-arn', "not Lambda's record of a failed asynchronous invocation: requestContext.functionArn missing or not as Lambda writes it"],
      ['m-stream', "not Lambda's record of a failed asynchronous invocation: it holds no requestPayload, the event to replay"],
    ]);
  });

  it("leaves a record that names a function that does not fail into this queue, even in a dry run: the queue's functions are the only ones it invokes", async () => {
    const messages = [
      message('m-other', failureRecord('m-other', { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-payment-service-refund-payment' })),
      message('m-prod', failureRecord('m-prod', { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-prod-notification-service-send-notification' })),
    ];

    queueHolds(...messages);
    const dry = await replay();
    queueHolds(...messages);
    const summary = await replay({ delete: true });

    expect(invoked()).toEqual([]);
    expect(dry.left).toHaveLength(2);
    expect(summary.left.map((r) => r.why)).toEqual([
      'the record names shop-dev-payment-service-refund-payment, which does not send its failures to this queue: look at it by hand',
      'the record names shop-prod-notification-service-send-notification, which does not send its failures to this queue: look at it by hand',
    ]);
  });
});

describe('what it prints', () => {
  it('never prints the event, nor an address from the error', async () => {
    const messages = [message('m-1'), message('m-2'), message('m-3', { ...failureRecord('m-3'), requestContext: { requestId: 'r' } })];
    lambda.on(InvokeCommand).resolvesOnce(answer(null)).resolvesOnce(answer({ errorType: 'Error', errorMessage: `no contact for ${EMAIL}` }, 'Unhandled'));

    queueHolds(...messages);
    const dry = await replay();
    queueHolds(...messages);
    const done = await replay({ delete: true });

    for (const out of [printed(dry), printed(done, { delete: true })]) {
      expect(out).not.toContain(EMAIL);
      expect(out).not.toContain('order-m-');
      expect(out).toContain('request-m-1');
    }
  });

  it('masks e-mail addresses and phone numbers in an error, and cuts it short', () => {
    expect(withoutContacts('refused <ann+tag@mail.example.org> and "bob@x.io" and +447700900123')).toBe('refused <<e-mail>> and "<e-mail>" and <phone>');
    expect(withoutContacts('order 1000000000000000000100 at 2026-05-01T10:00:00Z')).toBe('order 1000000000000000000100 at 2026-05-01T10:00:00Z');
    expect(withoutContacts('x'.repeat(400))).toBe(`${'x'.repeat(300)}…`);
  });
});

describe('--max', () => {
  it('reads at most that many messages, asking SQS for no more than are left to read, and says the queue may hold more', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: Array.from({ length: 10 }, (_, i) => message(`m-${i}`)) })
      .resolvesOnce({ Messages: [message('m-10'), message('m-11')] })
      .resolves({ Messages: [message('m-12')] });

    const summary = await replay({ max: 12, delete: true });

    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages)).toEqual([10, 2]);
    expect(invoked()).toHaveLength(12);
    expect(summary).toMatchObject({ replayed: 12, reachedMax: true });
    expect(formatFailuresSummary(summary, { delete: true, max: 12 }).at(-1)).toBe('stopped at --max 12: the queue may hold more');
  });

  it('reads 10 when not given, and stops when the queue has no more', async () => {
    queueHolds(message('m-1'));
    const summary = await replay();
    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages)).toEqual([10, 9]);
    expect(summary.reachedMax).toBe(false);
  });

  it('replays a message once though it is received again in the same run', async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message('m-1')] }).resolvesOnce({ Messages: [{ ...message('m-1'), ReceiptHandle: 'handle-again' }] }).resolves({});
    lambda.on(InvokeCommand).resolves(answer({ errorType: 'Error', errorMessage: 'down' }, 'Unhandled'));

    const summary = await replay({ delete: true });

    expect(invoked()).toHaveLength(1);
    expect(summary.messages).toHaveLength(1);
    // Shown again by the handle of its last receipt, the one SQS still honours.
    expect(shownAgain()).toEqual(['handle-again']);
  });
});

describe('which queues', () => {
  it("are the on-failure queues the manifests' asyncInvoke settings name, with the functions that fail into each", async () => {
    const queues = onFailureQueues(await loadManifests());
    expect(queues.map((q) => ({ ...q, functions: [...q.functions].sort() })).sort((a, b) => a.queue.localeCompare(b.queue))).toEqual([
      { service: 'analytics-service', queue: 'failed-events', functions: ['analytics-service/analytics-writer', 'analytics-service/stream-processor'] },
      { service: 'notification-service', queue: 'failed-notifications', functions: ['notification-service/send-notification'] },
      { service: 'analytics-service', queue: 'failed-reports', functions: ['analytics-service/generate-report'] },
    ]);
  });

  it('takes --queue only as one of them, and refuses anything else naming them', async () => {
    const manifests = await loadManifests();
    expect(onFailureQueue('notification-service/failed-notifications', manifests)).toEqual(FAILED_NOTIFICATIONS);
    const expected = /expected one of .*notification-service\/failed-notifications/;
    expect(() => onFailureQueue(undefined, manifests)).toThrow(UsageError);
    expect(() => onFailureQueue(undefined, manifests)).toThrow(/--queue is required/);
    expect(() => onFailureQueue('order-events/unpublished-changes', manifests)).toThrow(/not the on-failure queue of an asynchronously invoked function \(a stream mapping's, which npm run replay-stream replays\)/);
    expect(() => onFailureQueue('payment-service/refunds-dlq', manifests)).toThrow(expected);
    expect(() => onFailureQueue('failed-notifications', manifests)).toThrow(UsageError);
  });

  it('gathers the functions of one queue across services, and skips functions without asyncInvoke', () => {
    const fn = (onFailure?: string) => ({ description: '', memoryMb: 128, timeoutSeconds: 3, triggers: [], permissions: {}, ...(onFailure && { asyncInvoke: { maximumRetryAttempts: 2 as const, onFailure } }) });
    const manifest = (name: string, functions: Record<string, ReturnType<typeof fn>>) => ({ name, description: '', tables: {}, functions }) as unknown as ServiceManifest;
    expect(onFailureQueues([manifest('a', { one: fn('a/dlq'), two: fn() }), manifest('b', { three: fn('a/dlq') })])).toEqual([{ service: 'a', queue: 'dlq', functions: ['a/one', 'b/three'] }]);
  });
});

describe('the command line', () => {
  it('takes --max as a whole number from 1, 10 when not given', () => {
    expect(positiveIntegerOption('max', undefined, 10)).toBe(10);
    expect(positiveIntegerOption('max', '25', 10)).toBe(25);
    for (const bad of ['0', '-1', '2.5', 'ten', '01']) expect(() => positiveIntegerOption('max', bad, 10)).toThrow(/--max is ".*": expected a whole number from 1/);
  });
});
