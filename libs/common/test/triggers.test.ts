import type { Context, DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { routeErrorStatuses } from '@shop/platform';

const Message = z.object({ orderId: z.string(), password: z.string().optional(), correlationId: z.string().optional() });
const context = { awsRequestId: 'aws-req-1', getRemainingTimeInMillis: () => 10_000 } as Context;

const sqsRecord = (messageId: string, body: unknown): SQSRecord =>
  ({ messageId, body: typeof body === 'string' ? body : JSON.stringify(body) }) as SQSRecord;
const streamRecord = (sequenceNumber: string, orderId: unknown): DynamoDBRecord =>
  ({ eventName: 'INSERT', dynamodb: { SequenceNumber: sequenceNumber, NewImage: { orderId } } }) as DynamoDBRecord;

/**
 * Loads the wrappers afresh with stdout captured: a new module is a new Lambda instance (its first
 * invocation is a cold start), and the logger writes through the replaced `process.stdout.write`.
 */
async function freshInstance() {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  vi.resetModules();
  const common = await import('../src/index.js');
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  // The same stdout carries log lines and the wrappers' metrics (EMF, with an `_aws` directive).
  return { ...common, logs: () => parsed().filter((l) => !('_aws' in l)), metricLines: () => parsed().filter((l) => '_aws' in l) };
}

beforeEach(() => {
  vi.stubEnv('LOG_LEVEL', 'info');
  vi.stubEnv('SERVICE_NAME', 'order-service');
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'shop-test-order-service-update-order-status');
  vi.stubEnv('AWS_LAMBDA_FUNCTION_VERSION', '7');
  vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('sqsHandler', () => {
  it('processes a valid batch and reports no failure', async () => {
    const { sqsHandler } = await freshInstance();
    const seen: string[] = [];
    const handler = sqsHandler(Message, async ({ message }) => void seen.push(message.orderId));
    await expect(handler({ Records: [sqsRecord('m-1', { orderId: 'o-1' }), sqsRecord('m-2', { orderId: 'o-2' })] }, context)).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(seen.sort()).toEqual(['o-1', 'o-2']);
  });

  it('reports exactly the message that failed among good ones', async () => {
    const { sqsHandler } = await freshInstance();
    const handler = sqsHandler(Message, async ({ message }) => {
      if (message.orderId === 'o-2') throw new Error('DynamoDB throttled');
    });
    const records = ['o-1', 'o-2', 'o-3'].map((orderId, i) => sqsRecord(`m-${i + 1}`, { orderId }));
    await expect(handler({ Records: records }, context)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
  });

  it('reports a poison message without handling it and logs what was wrong, never its body', async () => {
    const { sqsHandler, logs } = await freshInstance();
    const handle = vi.fn(async () => undefined);
    const handler = sqsHandler(Message, handle);
    const poison = sqsRecord('m-2', { orderId: 42, password: 'hunter2' });
    const answer = await handler({ Records: [sqsRecord('m-1', { orderId: 'o-1' }), poison, sqsRecord('m-3', 'not json')] }, context);

    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] });
    expect(handle).toHaveBeenCalledTimes(1);
    const warnings = logs().filter((l) => l['message'] === 'poison message');
    expect(warnings.map((l) => [l['messageId'], l['details']])).toEqual([
      ['m-2', [{ field: 'orderId', message: expect.stringContaining('expected string') }]],
      ['m-3', [{ field: 'body', message: 'malformed JSON' }]],
    ]);
    expect(JSON.stringify(logs())).not.toContain('hunter2');
  });

  it("names the message's order on the line of its failure, which the handler's own lines do not reach", async () => {
    const { sqsHandler, logs } = await freshInstance();
    const orderId = '0d2c5a0e-6b1f-4c8e-9a7d-3e2f1b0c9d8e';
    const handler = sqsHandler(Message, async () => {
      throw new Error('DynamoDB throttled');
    });
    await expect(
      handler({ Records: [sqsRecord('m-1', { orderId, correlationId: 'corr-7' }), sqsRecord('m-2', { orderId: 'not-an-order-id' })] }, context),
    ).rejects.toThrow('All records failed');
    const failures = logs().filter((l) => l['level'] === 'error' || l['level'] === 'warn');
    expect(failures).toEqual([expect.objectContaining({ messageId: 'm-1', correlationId: 'corr-7', orderId }), expect.objectContaining({ messageId: 'm-2' })]);
    expect(failures[1]).not.toHaveProperty('orderId');
    // Only an id of the shop's shape is named: a message's text goes no further into the logs.
    expect(JSON.stringify(logs())).not.toContain('not-an-order-id');
  });

  it('fails the invocation when every message failed, so the batch comes back whole', async () => {
    const { sqsHandler } = await freshInstance();
    const handler = sqsHandler(Message, async () => undefined);
    await expect(handler({ Records: [sqsRecord('m-1', 'poison')] }, context)).rejects.toThrow('All records failed');
  });

  it('processes one message after another when asked to', async () => {
    const { sqsHandler } = await freshInstance();
    const order: string[] = [];
    const handler = sqsHandler(
      Message,
      async ({ message }) => {
        order.push(`start ${message.orderId}`);
        await new Promise((resolve) => setTimeout(resolve, message.orderId === 'o-1' ? 20 : 0));
        order.push(`end ${message.orderId}`);
      },
      { inParallel: false },
    );
    await handler({ Records: [sqsRecord('m-1', { orderId: 'o-1' }), sqsRecord('m-2', { orderId: 'o-2' })] }, context);
    expect(order).toEqual(['start o-1', 'end o-1', 'start o-2', 'end o-2']);
  });

  it("logs every line with the message's correlation id and the invocation's ids, cold start true then false", async () => {
    const { sqsHandler, logs } = await freshInstance();
    const handler = sqsHandler(Message, async ({ log }) => log.info('working'));
    await handler({ Records: [sqsRecord('m-1', { orderId: 'o-1', correlationId: 'corr-7' })] }, context);
    await handler({ Records: [sqsRecord('m-2', { orderId: 'o-2' })] }, { ...context, awsRequestId: 'aws-req-2' });

    const working = logs().filter((l) => l['message'] === 'working');
    expect(working[0]).toMatchObject({
      service: 'order-service',
      function: 'shop-test-order-service-update-order-status',
      version: '7',
      awsRequestId: 'aws-req-1',
      coldStart: true,
      correlationId: 'corr-7',
      traceId: '1-5759e988-bd862e3fe1be46a994272793',
      trigger: 'queue',
      messageId: 'm-1',
    });
    // A message without a correlation id goes by its message id.
    expect(working[1]).toMatchObject({ awsRequestId: 'aws-req-2', coldStart: false, correlationId: 'm-2' });
    for (const line of logs()) expect(line).toHaveProperty('correlationId');
  });
});

describe('streamHandler', () => {
  const Change = (record: unknown) => z.object({ orderId: z.string() }).parse((record as DynamoDBRecord).dynamodb?.NewImage);

  it("hands the batch's records over in order and reports where to retry from", async () => {
    const { streamHandler } = await freshInstance();
    const handler = streamHandler(Change, async (items) => ({ retryFrom: items.find((item) => item.change.orderId === 'o-2') }));
    const records = ['o-1', 'o-2', 'o-3'].map((orderId, i) => streamRecord(`${i + 1}00`, orderId));
    await expect(handler({ Records: records })).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
  });

  it('stops the batch before a poison record and reports it, so nothing after it is skipped', async () => {
    const { streamHandler } = await freshInstance();
    const handed: string[][] = [];
    const handler = streamHandler(Change, async (items) => {
      handed.push(items.map((item) => item.change.orderId));
      return {};
    });
    const answer = await handler({ Records: [streamRecord('100', 'o-1'), streamRecord('200', 7), streamRecord('300', 'o-3')] });
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(handed).toEqual([['o-1']]);
  });

  it('keeps a poison record aside with onPoison and goes on past it; stops before it when keeping it fails', async () => {
    const { streamHandler } = await freshInstance();
    const handed: string[][] = [];
    const kept: string[] = [];
    let keeping = true;
    const handler = streamHandler(
      Change,
      async (items) => {
        handed.push(items.map((item) => item.change.orderId));
        return {};
      },
      {
        onPoison: async (record) => {
          if (!keeping) throw new Error('queue unreachable');
          kept.push(record.dynamodb?.SequenceNumber ?? '');
        },
      },
    );
    const records = [streamRecord('100', 'o-1'), streamRecord('200', 7), streamRecord('300', 'o-3')];

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(kept).toEqual(['200']);
    // The records before the poison record are done before it is kept; those after it, after.
    expect(handed).toEqual([['o-1'], ['o-3']]);

    keeping = false;
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(handed.at(-1)).toEqual(['o-1']);
  });

  it('keeps a poison record once however often its batch is retried: only once what precedes it is done', async () => {
    const { streamHandler } = await freshInstance();
    const kept: string[] = [];
    let failing: 'o-1' | 'o-3' | undefined = 'o-1';
    const handler = streamHandler(
      Change,
      async (items) => {
        const stuck = items.find((item) => item.change.orderId === failing);
        if (stuck && failing === 'o-1') throw new Error('the bus refused the events');
        return { retryFrom: stuck };
      },
      { onPoison: async (record) => void kept.push(record.dynamodb?.SequenceNumber ?? '') },
    );
    const records = [streamRecord('100', 'o-1'), streamRecord('200', 7), streamRecord('300', 'o-3')];

    // The records before it fail: the whole batch comes again, and the poison record was not kept.
    await expect(handler({ Records: records })).rejects.toThrow('the bus refused the events');
    expect(kept).toEqual([]);
    // They are done; the one after it is not: the retry starts after the poison record, kept once.
    failing = 'o-3';
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: '300' }] });
    failing = undefined;
    expect(await handler({ Records: records.slice(2) })).toEqual({ batchItemFailures: [] });
    expect(kept).toEqual(['200']);
  });

  it('retries from the records after a kept poison record when handling them throws: those before it are done', async () => {
    const { streamHandler } = await freshInstance();
    const kept: string[] = [];
    const handler = streamHandler(
      Change,
      async (items) => {
        if (items.some((item) => item.change.orderId === 'o-3')) throw new Error('the bus refused the events');
        return {};
      },
      { onPoison: async (record) => void kept.push(record.dynamodb?.SequenceNumber ?? '') },
    );
    const records = [streamRecord('100', 'o-1'), streamRecord('200', 7), streamRecord('300', 'o-3'), streamRecord('400', 'o-4')];
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: '300' }] });
    expect(kept).toEqual(['200']);
  });

  it('fails the whole batch when the handler throws', async () => {
    const { streamHandler } = await freshInstance();
    const handler = streamHandler(Change, async () => Promise.reject(new Error('connect ECONNREFUSED')));
    await expect(handler({ Records: [streamRecord('100', 'o-1')] })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('snsHandler, eventBridgeHandler, scheduleHandler', () => {
  it('hands a valid SNS message over with its correlation id, and fails the invocation on a poison one', async () => {
    const { snsHandler, logs } = await freshInstance();
    const handler = snsHandler(Message, async ({ message, log }) => log.info({ orderId: message.orderId }, 'sent'));
    const sns = (Message: string) => ({ Records: [{ Sns: { MessageId: 'sns-1', Message } }] }) as never;
    await handler(sns(JSON.stringify({ orderId: 'o-1', correlationId: 'corr-1' })), context);
    expect(logs().find((l) => l['message'] === 'sent')).toMatchObject({ correlationId: 'corr-1', trigger: 'topic', snsMessageId: 'sns-1' });

    await expect(handler(sns('{"orderId":1}'), context)).rejects.toMatchObject({ name: 'PoisonMessage', message: expect.stringContaining('orderId') });
  });

  it("checks an EventBridge event's detail and answers what the handler answers", async () => {
    const { eventBridgeHandler } = await freshInstance();
    const handler = eventBridgeHandler(Message, async ({ detail, correlationId }) => ({ orderId: detail.orderId, correlationId }));
    await expect(handler({ id: 'eb-1', 'detail-type': 'OrderPaid', detail: { orderId: 'o-1' } } as never)).resolves.toEqual({ orderId: 'o-1', correlationId: 'eb-1' });
    await expect(handler({ id: 'eb-2', detail: {} } as never)).rejects.toMatchObject({ name: 'PoisonMessage' });
  });

  it("checks a schedule's input, and tells the hooks about each invocation and each failure", async () => {
    const { scheduleHandler, setInvocationHooks } = await freshInstance();
    const onInvocation = vi.fn();
    const onError = vi.fn();
    setInvocationHooks({ onInvocation, onError });
    const handler = scheduleHandler(z.object({ period: z.enum(['daily', 'weekly']) }), async ({ input }) => input.period);
    await expect(handler({ period: 'daily' }, context)).resolves.toBe('daily');
    await expect(handler({ period: 'hourly' }, context)).rejects.toMatchObject({ name: 'PoisonMessage' });
    expect(onInvocation.mock.calls).toEqual([[{ trigger: 'schedule', coldStart: true, retries: 0 }], [{ trigger: 'schedule', coldStart: false, retries: 0 }]]);
    expect(onError).toHaveBeenCalledWith({ trigger: 'schedule', error: expect.objectContaining({ name: 'PoisonMessage' }), poison: true });
  });
});

describe('the technical metrics every wrapper writes', () => {
  it('writes an invocation with its cold start and redelivered messages, and an error for each failed message, by trigger', async () => {
    vi.stubEnv('STAGE', 'test');
    const { sqsHandler, metricLines } = await freshInstance();
    const handler = sqsHandler(Message, async ({ message }) => {
      if (message.orderId === 'bad') throw new Error('no');
    });
    const redelivered = { ...sqsRecord('m-2', { orderId: 'bad' }), attributes: { ApproximateReceiveCount: '3' } } as SQSRecord;
    await handler({ Records: [sqsRecord('m-1', { orderId: 'o-1' }), redelivered] }, context);
    const dimensions = { service: 'order-service', stage: 'test', trigger: 'queue' };
    expect(metricLines().map(({ _aws, ...values }) => values)).toEqual([
      { ...dimensions, function: 'shop-test-order-service-update-order-status', Invocations: 1, ColdStarts: 1, Errors: 0, Retries: 1 },
      { ...dimensions, function: 'shop-test-order-service-update-order-status', Errors: 1 },
    ]);
  });
});

describe('the errors a task or an invoke answers on purpose', () => {
  it('counts a named error as ExpectedErrors of the function, at the start of its invocation, and not as an error', async () => {
    vi.stubEnv('STAGE', 'test');
    const { taskHandler, NamedError, metricLines, logs } = await freshInstance();
    const handler = taskHandler(Message, async () => {
      throw new NamedError('OutOfStock', 'product p-1: 0 left');
    });
    const before = Date.now();
    await expect(handler({ orderId: 'o-1' }, context)).rejects.toMatchObject({ name: 'OutOfStock' });

    const [invocation, expected, ...rest] = metricLines();
    expect(rest).toEqual([]);
    expect(invocation).toMatchObject({ trigger: 'state-machine-task', Invocations: 1, Errors: 0 });
    const { _aws, ...values } = expected ?? {};
    expect(values).toEqual({
      service: 'order-service',
      stage: 'test',
      function: 'shop-test-order-service-update-order-status',
      ExpectedErrors: 1,
      errorType: 'OutOfStock',
    });
    expect(_aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'Shop', Dimensions: [['service', 'stage', 'function']], Metrics: [{ Name: 'ExpectedErrors', Unit: 'Count' }] }] });
    expect((_aws as { Timestamp: number }).Timestamp).toBeGreaterThanOrEqual(before);
    expect((_aws as { Timestamp: number }).Timestamp).toBeLessThanOrEqual(Date.now());
    expect(logs().find((l) => l['errorType'] === 'OutOfStock')).toMatchObject({ level: 'info' });
  });

  it('counts a payload that does not match, and any other failure, as an error and never as expected', async () => {
    vi.stubEnv('STAGE', 'test');
    const { taskHandler, metricLines } = await freshInstance();
    const handler = taskHandler(Message, async () => {
      throw new Error('connect ECONNREFUSED');
    });
    await expect(handler({}, context)).rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(handler({ orderId: 'o-1' }, context)).rejects.toThrow(/ECONNREFUSED/);

    const lines = metricLines();
    expect(lines.filter((l) => 'ExpectedErrors' in l)).toEqual([]);
    expect(lines.filter((l) => l['Errors'] === 1 && !('Invocations' in l))).toHaveLength(2);
  });
});

describe('taskHandler and the marks', () => {
  it('marks what each wrapper returns with the triggers it serves', async () => {
    const { handlerTriggers, httpHandler, httpOrScheduleHandler, invokeHandler, scheduleHandler, sqsHandler, taskHandler } = await freshInstance();
    const http = httpHandler({}, { authorize: () => undefined }, async () => ({}));
    const schedule = scheduleHandler(Message, async () => undefined);
    expect(handlerTriggers(http)).toEqual(['http']);
    expect(handlerTriggers(sqsHandler(Message, async () => undefined))).toEqual(['queue']);
    expect(handlerTriggers(taskHandler(Message, async () => undefined))).toEqual(['invoke', 'state-machine-task']);
    expect(handlerTriggers(invokeHandler(Message, async () => undefined))).toEqual(['invoke', 'state-machine-task']);
    expect(handlerTriggers(httpOrScheduleHandler({ http, schedule }))).toEqual(['http', 'schedule']);
    expect(handlerTriggers(async () => undefined)).toBeUndefined();
  });

  it('knows the time its invocation has left while it runs, from the context, and forgets it afterwards', async () => {
    const { invocationTimeLeft, sqsHandler, httpHandler } = await freshInstance();
    const seen: (number | undefined)[] = [];
    const queue = sqsHandler(Message, async () => {
      seen.push(invocationTimeLeft());
    });
    await queue({ Records: [sqsRecord('m-1', { orderId: 'o-1' })] }, context);
    expect(seen[0]).toBeGreaterThan(9_000);
    expect(seen[0]).toBeLessThanOrEqual(10_000);
    expect(invocationTimeLeft()).toBeUndefined();

    // A failed invocation forgets it too.
    const failing = httpHandler({}, { authorize: () => undefined }, async () => {
      seen.push(invocationTimeLeft());
      throw new Error('boom');
    });
    await failing({ requestContext: { requestId: 'r-1' } } as never, context);
    expect(seen[1]).toBeGreaterThan(9_000);
    expect(invocationTimeLeft()).toBeUndefined();
  });

  it("answers a state machine's task with InvalidRequest for a payload that does not match", async () => {
    const { taskHandler } = await freshInstance();
    const handler = taskHandler(Message, async ({ payload }) => payload.orderId);
    await expect(handler({ orderId: 'o-1', correlationId: 'checkout-1' }, context)).resolves.toBe('o-1');
    await expect(handler({}, context)).rejects.toMatchObject({ name: 'InvalidRequest' });
  });
});

describe('httpHandler and the route contract', () => {
  const httpEvent = { requestContext: { requestId: 'req-1', http: { method: 'GET' } }, routeKey: 'GET /things/{id}', headers: {} };
  const call = (handler: (event: never, context: Context) => Promise<{ statusCode?: number }>) => handler(httpEvent as never, context);

  it('answers a declared error status without complaint', async () => {
    const { httpHandler, NotFoundError, logs, UNDECLARED_ERROR_STATUS } = await freshInstance();
    const handler = httpHandler({ auth: { kind: 'public' }, errors: [404] }, { authorize: () => undefined }, async () => {
      throw new NotFoundError('Thing not found');
    });
    expect((await call(handler)).statusCode).toBe(404);
    expect(logs().filter((l) => l['message'] === UNDECLARED_ERROR_STATUS)).toEqual([]);
  });

  it('still answers an error status the route does not declare, and logs it as an error naming the status', async () => {
    const { httpHandler, ConflictError, logs, UNDECLARED_ERROR_STATUS } = await freshInstance();
    const handler = httpHandler({ auth: { kind: 'signed-in' }, errors: [404] }, { authorize: () => undefined }, async () => {
      throw new ConflictError('already there');
    });
    expect((await call(handler)).statusCode).toBe(409);
    expect(logs().filter((l) => l['message'] === UNDECLARED_ERROR_STATUS)).toEqual([
      expect.objectContaining({ level: 'error', status: 409, declared: [400, 401, 404, 500] }),
    ]);
  });

  it('counts what the wrapper answers itself as declared: 401 and 403 for a route with roles, 413 for one with a body', () => {
    expect(routeErrorStatuses({ auth: { kind: 'public' } })).toEqual([400, 500]);
    expect(routeErrorStatuses({ auth: { kind: 'signed-in', roles: ['ADMIN'] }, request: { body: z.object({}) }, errors: [409, 404] })).toEqual([
      400, 401, 403, 404, 409, 413, 500,
    ]);
  });
});
