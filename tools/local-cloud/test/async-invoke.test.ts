import { existsSync, readFileSync } from 'node:fs';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AsyncAttempt, AsyncInvocations, type AsyncInvokeConfig } from '../src/async-invoke/async-invocations';
import type { AsyncFailureRecord } from '../src/async-invoke/destination-record';
import type { ListeningServer } from '../src/http-server';
import { LambdaRuntime } from '../src/lambda-runtime';
import { LOCAL_AWS } from '../src/local-aws';
import { startSqsServer } from '../src/sqs/sqs-server';
import { Fixtures, logCollector } from './lambda-fixtures';

/**
 * Asynchronous invocation on its own: real functions in the Lambda runtime, a real SQS as
 * the on-failure destination, and retry delays of milliseconds instead of minutes.
 */

const fixtures = new Fixtures();
const runtime = new LambdaRuntime({ onLog: logCollector().onLog });
let server: ListeningServer;
let sqs: SQSClient;
const started: AsyncInvocations[] = [];

/**
 * Writes every attempt (its request id and event) to ATTEMPTS_FILE. `{fail: true}` always
 * fails; `{failTimes: n}` fails the first n attempts of its request id; `{sleepMs}` waits first.
 */
const RECORDER = `
  const fs = require('fs');
  exports.handler = async (event, context) => {
    const file = process.env.ATTEMPTS_FILE;
    const earlier = fs.existsSync(file)
      ? fs.readFileSync(file, 'utf8').split('\\n').filter(Boolean).map(JSON.parse).filter((a) => a.requestId === context.awsRequestId).length
      : 0;
    fs.appendFileSync(file, JSON.stringify({ requestId: context.awsRequestId, event }) + '\\n');
    if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
    if (event.fail || earlier < (event.failTimes || 0)) {
      const error = new Error('could not record order ' + event.orderId);
      error.name = 'RecordOrderError';
      throw error;
    }
    return { recorded: event.orderId };
  };
`;

beforeAll(async () => {
  server = await startSqsServer({ port: 0 });
  sqs = new SQSClient({ ...LOCAL_AWS, endpoint: server.url });
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((invocations) => invocations.stop()));
});

afterAll(async () => {
  sqs.destroy();
  await server.close();
  await runtime.stop();
  fixtures.cleanup();
});

interface Attempt {
  requestId: string;
  event: unknown;
}

interface Setup {
  invocations: AsyncInvocations;
  attempts: () => Attempt[];
  tracedAttempts: AsyncAttempt[];
  log: string[];
}

/** A recorder function named `name` and asynchronous invocations with `config` for it. */
function setUp(name: string, config: AsyncInvokeConfig | undefined, overrides: { timeoutSeconds?: number; retryDelaysMs?: number[] } = {}): Setup {
  const attemptsFile = `${fixtures.dir}/${name}-attempts.jsonl`;
  runtime.register(
    fixtures.fn(name, RECORDER, { environment: { ATTEMPTS_FILE: attemptsFile }, timeoutSeconds: overrides.timeoutSeconds ?? 5 }),
  );
  const log: string[] = [];
  const tracedAttempts: AsyncAttempt[] = [];
  const invocations = new AsyncInvocations({
    runtime,
    sqs,
    config: (functionName) => (functionName === name ? config : undefined),
    retryDelaysMs: overrides.retryDelaysMs ?? [50, 100],
    region: 'us-east-1',
    log: (line) => log.push(line),
    onAttempt: (info) => tracedAttempts.push(info),
  });
  started.push(invocations);
  const attempts = () =>
    existsSync(attemptsFile)
      ? readFileSync(attemptsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Attempt)
      : [];
  return { invocations, attempts, tracedAttempts, log };
}

async function createQueue(name: string): Promise<{ queueUrl: string; queueArn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { queueUrl: QueueUrl ?? '', queueArn: Attributes?.['QueueArn'] ?? '' };
}

async function recordsIn(queueUrl: string): Promise<AsyncFailureRecord[]> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return Messages.map((m) => JSON.parse(m.Body ?? '') as AsyncFailureRecord);
}

describe('asynchronous invocation', () => {
  it('runs a succeeding event once, with the request id the caller was given', async () => {
    const onFailure = await createQueue('succeeds-failures');
    const { invocations, attempts, tracedAttempts } = setUp('succeeds', { maximumRetryAttempts: 2, onFailure });

    invocations.invoke({ functionName: 'succeeds', requestId: 'req-ok-1', event: { orderId: 'o-1' } });
    await invocations.idle();

    expect(attempts()).toEqual([{ requestId: 'req-ok-1', event: { orderId: 'o-1' } }]);
    expect(tracedAttempts).toEqual([{ functionName: 'succeeds', requestId: 'req-ok-1', attempt: 1, ok: true }]);
    expect(await recordsIn(onFailure.queueUrl)).toEqual([]);
  });

  it('retries a failing event maximumRetryAttempts times with the same request id, then sends one invocation record to the on-failure queue', async () => {
    const onFailure = await createQueue('always-fails-failures');
    const { invocations, attempts, tracedAttempts } = setUp('always-fails', { maximumRetryAttempts: 2, onFailure });
    const event = { orderId: 'o-2', fail: true };

    const began = Date.now();
    invocations.invoke({ functionName: 'always-fails', requestId: 'req-fail-1', event });
    await invocations.idle();

    expect(attempts()).toEqual([1, 2, 3].map(() => ({ requestId: 'req-fail-1', event })));
    // The retries waited 50 ms, then 100 ms.
    expect(Date.now() - began).toBeGreaterThanOrEqual(150);
    expect(tracedAttempts.map((a) => [a.attempt, a.ok, a.error?.errorType])).toEqual([
      [1, false, 'RecordOrderError'],
      [2, false, 'RecordOrderError'],
      [3, false, 'RecordOrderError'],
    ]);
    const records = await recordsIn(onFailure.queueUrl);
    expect(records).toEqual([
      {
        version: '1.0',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        requestContext: {
          requestId: 'req-fail-1',
          functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:always-fails:$LATEST',
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'RecordOrderError', errorMessage: 'could not record order o-2', trace: expect.any(Array) },
      },
    ]);
    expect(records[0]?.responsePayload.trace?.[0]).toContain('RecordOrderError: could not record order o-2');
  });

  it('ends with no invocation record when a retry succeeds', async () => {
    const onFailure = await createQueue('flaky-failures');
    const { invocations, attempts, tracedAttempts } = setUp('flaky', { maximumRetryAttempts: 2, onFailure });

    invocations.invoke({ functionName: 'flaky', requestId: 'req-flaky-1', event: { orderId: 'o-3', failTimes: 1 } });
    await invocations.idle();

    expect(attempts().map((a) => a.requestId)).toEqual(['req-flaky-1', 'req-flaky-1']);
    expect(tracedAttempts.map((a) => a.ok)).toEqual([false, true]);
    expect(await recordsIn(onFailure.queueUrl)).toEqual([]);
  });

  it('makes a single attempt when maximumRetryAttempts is 0', async () => {
    const onFailure = await createQueue('no-retries-failures');
    const { invocations, attempts } = setUp('no-retries', { maximumRetryAttempts: 0, onFailure });

    invocations.invoke({ functionName: 'no-retries', requestId: 'req-once-1', event: { orderId: 'o-4', fail: true } });
    await invocations.idle();

    expect(attempts()).toHaveLength(1);
    const records = await recordsIn(onFailure.queueUrl);
    expect(records.map((r) => r.requestContext.approximateInvokeCount)).toEqual([1]);
  });

  it('retries a timed-out attempt and reports the timeout as the error', async () => {
    const onFailure = await createQueue('times-out-failures');
    const { invocations, attempts } = setUp('times-out', { maximumRetryAttempts: 1, onFailure }, { timeoutSeconds: 1 });

    invocations.invoke({ functionName: 'times-out', requestId: 'req-slow-1', event: { orderId: 'o-5', sleepMs: 3_000 } });
    await invocations.idle();

    expect(attempts().map((a) => a.requestId)).toEqual(['req-slow-1', 'req-slow-1']);
    const [record] = await recordsIn(onFailure.queueUrl);
    expect(record?.requestContext.approximateInvokeCount).toBe(2);
    expect(record?.responsePayload).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
  });

  it('logs a failure with its event when no destination is configured (Lambda defaults: two retries)', async () => {
    const { invocations, attempts, log } = setUp('no-destination', undefined);

    invocations.invoke({ functionName: 'no-destination', requestId: 'req-lost-1', event: { orderId: 'o-6', fail: true } });
    await invocations.idle();

    expect(attempts()).toHaveLength(3);
    const dropped = log.filter((line) => line.includes('no on-failure destination'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toContain('no-destination (request req-lost-1) failed 3 time(s) (RecordOrderError: could not record order o-6)');
    expect(dropped[0]).toContain(JSON.stringify({ orderId: 'o-6', fail: true }));
  });

  it('logs the whole invocation record when the destination cannot take it', async () => {
    const missing = { queueUrl: `${server.url}/000000000000/no-such-queue`, queueArn: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue' };
    const { invocations, log } = setUp('unsendable', { maximumRetryAttempts: 0, onFailure: missing });

    invocations.invoke({ functionName: 'unsendable', requestId: 'req-unsent-1', event: { orderId: 'o-7', fail: true } });
    await invocations.idle();

    const lost = log.find((line) => line.startsWith('ASYNC INVOKE FAILURE NOT DELIVERED'));
    expect(lost).toContain('"requestId":"req-unsent-1"');
    expect(lost).toContain('"requestPayload":{"orderId":"o-7","fail":true}');
  });

  it('stop() cancels a retry that is waiting, so nothing keeps the process alive', async () => {
    const { invocations, attempts, tracedAttempts, log } = setUp('stopped', { maximumRetryAttempts: 2 }, { retryDelaysMs: [60_000] });

    invocations.invoke({ functionName: 'stopped', requestId: 'req-stop-1', event: { orderId: 'o-8', fail: true } });
    while (tracedAttempts.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const stopping = Date.now();
    await invocations.stop();

    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(attempts()).toHaveLength(1);
    expect(log.some((line) => line.includes('retry 1 cancelled'))).toBe(true);
    invocations.invoke({ functionName: 'stopped', requestId: 'req-stop-2', event: { orderId: 'o-9' } });
    await invocations.idle();
    expect(attempts()).toHaveLength(1);
  });

  it('stop() waits for an attempt already running only for its grace, and names what it leaves', async () => {
    const { invocations, log } = setUp('slow', { maximumRetryAttempts: 0 });

    invocations.invoke({ functionName: 'slow', requestId: 'req-slow-1', event: { orderId: 'o-10', sleepMs: 5_000 } });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the attempt is running: its function sleeps 5 s
    const stopping = Date.now();
    await invocations.stop(300);

    expect(Date.now() - stopping).toBeLessThan(1_500);
    expect(log.some((line) => line.includes('1 invocation(s) still running after 300 ms'))).toBe(true);
  });
});
