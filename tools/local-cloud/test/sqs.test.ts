import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { ServiceManifest } from '@shop/platform';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningServer } from '../src/http-server';
import { LambdaRuntime } from '../src/lambda-runtime';
import { LOCAL_AWS } from '../src/local-aws';
import { QueuePoller, type QueuePollerOptions } from '../src/sqs/queue-poller';
import { ensureQueues, type LocalQueue } from '../src/sqs/queues';
import { startSqsServer } from '../src/sqs/sqs-server';
import { Fixtures, logCollector, sleep } from './lambda-fixtures';

/**
 * SQS on its own: local-aws-sqs behind the SDK's SQSClient, queues from a manifest, and the
 * event source mapping delivering to a fixture function in the Lambda runtime.
 */

const fixtures = new Fixtures();
const runtime = new LambdaRuntime({ onLog: logCollector().onLog });
let server: ListeningServer;
let sqs: SQSClient;
let queues: Map<string, LocalQueue>;
const pollers: QueuePoller[] = [];
const pollerLog: string[] = [];

/**
 * Writes every event it gets to EVENTS_FILE. A body `{fail: true}` always fails, `{failTimes: n}`
 * fails its first n receives (partial batch response); `{throw: true}` fails the whole batch.
 */
const CONSUMER = `
  const fs = require('fs');
  exports.handler = async (event) => {
    fs.appendFileSync(process.env.EVENTS_FILE, JSON.stringify(event) + '\\n');
    const batchItemFailures = [];
    for (const record of event.Records) {
      const body = JSON.parse(record.body);
      if (body.throw) { const e = new Error('poison'); e.name = 'PoisonBatch'; throw e; }
      if (body.fail || Number(record.attributes.ApproximateReceiveCount) <= (body.failTimes ?? 0)) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
`;

const QUEUE = { description: 'test queue', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 };
const manifest = {
  name: 'test-service',
  description: 'queues for the SQS tests',
  tables: {},
  functions: {},
  queues: {
    shape: QUEUE,
    partial: QUEUE,
    'dead-letters': QUEUE,
    // No acceleration here: failed messages come back after the queue's own visibility timeout.
    'whole-batch': { ...QUEUE, visibilityTimeoutSeconds: 1 },
    stopping: QUEUE,
  },
} satisfies ServiceManifest;

beforeAll(async () => {
  server = await startSqsServer({ port: 0 });
  sqs = new SQSClient({ ...LOCAL_AWS, endpoint: server.url });
  queues = await ensureQueues(sqs, 'test', [manifest]);
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  sqs.destroy();
  await server.close();
  await runtime.stop();
  fixtures.cleanup();
});

function queue(name: keyof typeof manifest.queues): LocalQueue {
  const found = queues.get(`test-service/${name}`);
  if (!found) throw new Error(`no queue ${name}`);
  return found;
}

/** Starts a mapping from `queue` to a fresh consumer; answers the events it got, as they come. */
function consume(name: keyof typeof manifest.queues, options: Partial<QueuePollerOptions> = {}): () => SQSEvent[] {
  const eventsFile = `${fixtures.dir}/${name}-events.jsonl`;
  runtime.register(fixtures.fn(`consumer-${name}`, CONSUMER, { environment: { EVENTS_FILE: eventsFile } }));
  const poller = new QueuePoller({
    sqs,
    runtime,
    functionName: `consumer-${name}`,
    queue: queue(name),
    batchSize: 10,
    region: 'us-east-1',
    log: (line) => pollerLog.push(line),
    ...options,
  });
  poller.start();
  pollers.push(poller);
  return () =>
    existsSync(eventsFile)
      ? readFileSync(eventsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as SQSEvent)
      : [];
}

async function send(name: keyof typeof manifest.queues, bodies: object[], attributes?: Record<string, MessageAttributeValue>): Promise<string[]> {
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queue(name).url,
      Entries: bodies.map((body, i) => ({ Id: `m${i}`, MessageBody: JSON.stringify(body), ...(attributes && { MessageAttributes: attributes }) })),
    }),
  );
  return (sent.Successful ?? []).sort((a, b) => String(a.Id).localeCompare(String(b.Id))).map((s) => s.MessageId ?? '');
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting; last value: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

async function messagesIn(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes['ApproximateNumberOfMessages']), inFlight: Number(Attributes['ApproximateNumberOfMessagesNotVisible']) };
}

describe('SQS queues from the manifests', () => {
  it('creates each queue and its dead-letter queue, answering the queue by service/queue', async () => {
    const q = queue('shape');
    expect(q).toMatchObject({
      ref: 'test-service/shape',
      name: 'shop-test-test-service-shape',
      arn: 'arn:aws:sqs:us-east-1:000000000000:shop-test-test-service-shape',
      url: `${server.url}/000000000000/shop-test-test-service-shape`,
      deadLetter: { name: 'shop-test-test-service-shape-dlq', arn: 'arn:aws:sqs:us-east-1:000000000000:shop-test-test-service-shape-dlq' },
    });
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['VisibilityTimeout'] }));
    expect(Attributes?.['VisibilityTimeout']).toBe('30');
  });
});

describe('the SQS event source mapping', () => {
  it('delivers a batch as an SQSEvent, gathered within the batching window, and deletes it', async () => {
    const events = consume('shape', { maxBatchingWindowSeconds: 1 });
    const attributes = { source: { DataType: 'String', StringValue: 'webhook' }, raw: { DataType: 'Binary', BinaryValue: Buffer.from('hi') } };
    const ids = await send('shape', [{ n: 1 }, { n: 2 }, { n: 3 }], attributes);

    const [event] = await until(events, (e) => e.length > 0);
    expect(event?.Records.map((r) => r.messageId).sort()).toEqual([...ids].sort());
    const record = event?.Records.find((r) => r.messageId === ids[0]);
    const body = JSON.stringify({ n: 1 });
    expect(record).toEqual({
      messageId: ids[0],
      receiptHandle: expect.any(String),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {
        source: { stringValue: 'webhook', stringListValues: [], binaryListValues: [], dataType: 'String' },
        raw: { binaryValue: Buffer.from('hi').toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: createHash('md5').update(body).digest('hex'),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: queue('shape').arn,
      awsRegion: 'us-east-1',
    });
    expect(await until(() => messagesIn(queue('shape').url), (m) => m.inFlight === 0)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('redelivers only the messages a partial batch response names', async () => {
    const events = consume('partial', { retryDelaySeconds: 1 });
    const [flaky, fine] = await send('partial', [{ failTimes: 1 }, { ok: true }]);

    const delivered = await until(events, (e) => e.flatMap((x) => x.Records).length >= 3);
    const records = delivered.flatMap((e) => e.Records);
    expect(records.filter((r) => r.messageId === fine)).toHaveLength(1);
    const retries = records.filter((r) => r.messageId === flaky);
    expect(retries.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    await sleep(1500);
    expect(events().flatMap((e) => e.Records)).toHaveLength(3);
  });

  it('moves a message that always fails to the dead-letter queue after maxReceiveCount receives; its batch-mates succeed', async () => {
    const events = consume('dead-letters', { retryDelaySeconds: 1 });
    const attributes = { orderId: { DataType: 'String', StringValue: 'o-1' } };
    const [poison, ...good] = await send('dead-letters', [{ fail: true }, { ok: 1 }, { ok: 2 }], attributes);
    const dlq = queue('dead-letters').deadLetter;

    const peek = async () =>
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageAttributeNames: ['All'], VisibilityTimeout: 0 }))).Messages ?? [];
    const dead = await until(peek, (messages) => messages.length > 0);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ Body: JSON.stringify({ fail: true }), MessageAttributes: { orderId: { DataType: 'String', StringValue: 'o-1' } } });

    const records = events().flatMap((e) => e.Records);
    expect(records.filter((r) => r.messageId === poison).map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    for (const id of good) expect(records.filter((r) => r.messageId === id)).toHaveLength(1);
    expect(await messagesIn(queue('dead-letters').url)).toEqual({ visible: 0, inFlight: 0 });
    expect(pollerLog.some((line) => line.includes(`message ${poison} moved to ${dlq.name} after 3 receives`))).toBe(true);
  });

  it("fails the whole batch on a function error; the queue's visibility timeout brings it back", async () => {
    const events = consume('whole-batch');
    const ids = await send('whole-batch', [{ throw: true }, { ok: true }]);

    const delivered = await until(events, (e) => e.flatMap((x) => x.Records).length >= 4);
    const records = delivered.flatMap((e) => e.Records);
    for (const id of ids) {
      expect(records.filter((r) => r.messageId === id).map((r) => r.attributes.ApproximateReceiveCount).slice(0, 2)).toEqual(['1', '2']);
    }
    expect(pollerLog.some((line) => line.includes('PoisonBatch: poison'))).toBe(true);
  });

  it('stops at once, even in the middle of a long poll', async () => {
    consume('stopping');
    await sleep(200);
    const started = Date.now();
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
