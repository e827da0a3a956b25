import {
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BusEvent, InvalidEventPatternError, LocalEventBus } from '../src/eventbridge/event-bus';
import { startEventBridgeApi } from '../src/eventbridge/eventbridge-api';
import type { ListeningServer } from '../src/http-server';
import { LOCAL_AWS } from '../src/local-aws';

/**
 * The local event bus on its own, through the SDK's EventBridgeClient, unmodified: rules from
 * a manifest-like list, targets replaced by fakes that record what they get.
 */

const BUS = 'shop-test-events';
const lambdaCalls: { functionName: string; event: BusEvent }[] = [];
const snsCalls: { topicArn: string; message: string }[] = [];
const sqsCalls: { queueUrl: string; body: string }[] = [];
const busLog: string[] = [];
/** How many of the next SQS deliveries reject. */
let sqsFailures = 0;
let failEntry: ((entry: PutEventsRequestEntry) => string | undefined) | undefined;

const bus = new LocalEventBus({
  buses: [BUS],
  deliver: {
    lambda: (functionName, event) => void lambdaCalls.push({ functionName, event }),
    sns: async (topicArn, message) => void snsCalls.push({ topicArn, message }),
    sqs: async (queueUrl, body) => {
      if (sqsFailures-- > 0) throw new Error('queue unavailable');
      sqsCalls.push({ queueUrl, body });
    },
  },
  log: (line) => busLog.push(line),
  failEntries: (entry) => failEntry?.(entry),
  targetRetry: { attempts: 3, firstDelayMs: 5 },
});
bus.putRule(BUS, {
  name: 'order-created-to-analytics',
  pattern: { source: ['shop.orders'], 'detail-type': ['OrderCreated'] },
  targets: [{ kind: 'lambda', functionName: 'shop-test-analytics-writer' }],
});
bus.putRule(BUS, {
  name: 'big-orders-to-notifications',
  pattern: { source: ['shop.orders'], detail: { total: { amount: [{ numeric: ['>=', 10_000] }] } } },
  targets: [
    { kind: 'sns', topicArn: 'arn:aws:sns:us-east-1:000000000000:shop-test-notifications' },
    { kind: 'sqs', queueUrl: 'http://127.0.0.1:1/000000000000/shop-test-audit' },
  ],
});
bus.putRule('default', {
  name: 'anything-on-default',
  pattern: { source: [{ exists: true }] },
  targets: [{ kind: 'lambda', functionName: 'shop-test-default-listener' }],
});

let api: ListeningServer;
let eventBridge: EventBridgeClient;

beforeAll(async () => {
  api = await startEventBridgeApi(bus, { port: 0 });
  eventBridge = new EventBridgeClient({ ...LOCAL_AWS, endpoint: api.url, maxAttempts: 1 });
});

afterAll(async () => {
  eventBridge.destroy();
  await api.close();
});

beforeEach(() => {
  lambdaCalls.length = snsCalls.length = sqsCalls.length = busLog.length = 0;
  sqsFailures = 0;
  failEntry = undefined;
});

const orderCreated = (amount: number, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  EventBusName: BUS,
  Source: 'shop.orders',
  DetailType: 'OrderCreated',
  Detail: JSON.stringify({ orderId: `o-${amount}`, total: { amount, currency: 'EUR' } }),
  ...extra,
});

describe('PutEvents through the SDK', () => {
  it('delivers a matching event to a Lambda target in the shape EventBridge sends', async () => {
    const time = new Date('2026-03-01T12:34:56.789Z');
    const answer = await eventBridge.send(
      new PutEventsCommand({ Entries: [orderCreated(2500, { Time: time, Resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/orders'] })] }),
    );

    expect(answer.FailedEntryCount).toBe(0);
    const eventId = answer.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lambdaCalls).toEqual([
      {
        functionName: 'shop-test-analytics-writer',
        event: {
          version: '0',
          id: eventId,
          'detail-type': 'OrderCreated',
          source: 'shop.orders',
          account: '000000000000',
          time: '2026-03-01T12:34:56Z',
          region: 'us-east-1',
          resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/orders'],
          detail: { orderId: 'o-2500', total: { amount: 2500, currency: 'EUR' } },
        },
      },
    ]);
    expect(snsCalls).toEqual([]);
  });

  it('sends SNS and SQS targets the whole event as JSON text', async () => {
    const answer = await eventBridge.send(new PutEventsCommand({ Entries: [orderCreated(25_000)] }));
    await bus.settled();

    const eventId = answer.Entries?.[0]?.EventId;
    expect(snsCalls).toHaveLength(1);
    expect(snsCalls[0]?.topicArn).toBe('arn:aws:sns:us-east-1:000000000000:shop-test-notifications');
    expect(JSON.parse(snsCalls[0]?.message ?? '')).toMatchObject({ id: eventId, 'detail-type': 'OrderCreated', detail: { total: { amount: 25_000 } } });
    expect(sqsCalls.map((call) => JSON.parse(call.body).id)).toEqual([eventId]);
    // The same event also matched the Lambda rule.
    expect(lambdaCalls.map((call) => call.event.id)).toEqual([eventId]);
  });

  it('delivers nothing for an event no rule matches, and says so', async () => {
    const answer = await eventBridge.send(
      new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: 'shop.payments', DetailType: 'PaymentTaken', Detail: '{"amount":99999}' }] }),
    );
    await bus.settled();

    expect(answer.FailedEntryCount).toBe(0);
    expect(lambdaCalls).toEqual([]);
    expect(snsCalls).toEqual([]);
    expect(sqsCalls).toEqual([]);
    const accepted = bus.events().find((record) => record.event.id === answer.Entries?.[0]?.EventId);
    expect(accepted).toMatchObject({ bus: BUS, matchedRules: [] });
    expect(busLog.some((line) => line.includes('no rule matched'))).toBe(true);
  });

  it('lists accepted events with the rules that matched them', async () => {
    const answer = await eventBridge.send(new PutEventsCommand({ Entries: [orderCreated(50_000)] }));
    await bus.settled();

    const accepted = bus.events().at(-1);
    expect(accepted?.event.id).toBe(answer.Entries?.[0]?.EventId);
    expect(accepted?.matchedRules).toEqual(['order-created-to-analytics', 'big-orders-to-notifications']);
  });

  it('takes the bus by ARN, and the default bus when none is named', async () => {
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          orderCreated(1, { EventBusName: `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}` }),
          { Source: 'shop.anything', DetailType: 'Ping', Detail: '{}' },
        ],
      }),
    );

    expect(lambdaCalls.map((call) => call.functionName)).toEqual(['shop-test-analytics-writer', 'shop-test-default-listener']);
  });

  it('reports each bad entry on its own, counts them, and accepts the rest', async () => {
    const answer = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          orderCreated(1),
          orderCreated(2, { Detail: 'not json' }),
          orderCreated(3, { Detail: '[1, 2]' }),
          orderCreated(4, { Source: undefined }),
          orderCreated(5, { EventBusName: 'no-such-bus' }),
          orderCreated(6),
        ],
      }),
    );

    expect(answer.FailedEntryCount).toBe(4);
    expect(answer.Entries?.map((entry) => entry.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'ResourceNotFoundException',
      'ok',
    ]);
    expect(answer.Entries?.[4]?.ErrorMessage).toBe('Event bus no-such-bus does not exist.');
    expect(answer.Entries?.[3]?.ErrorMessage).toContain('Source');
    expect(lambdaCalls.map((call) => (call.event.detail as { orderId: string }).orderId)).toEqual(['o-1', 'o-6']);
  });

  it('fails injected entries so that a publisher can retry just those', async () => {
    const attempts = new Map<string, number>();
    failEntry = (entry) => {
      const seen = (attempts.get(entry.Detail ?? '') ?? 0) + 1;
      attempts.set(entry.Detail ?? '', seen);
      return entry.Detail?.includes('o-2') && seen === 1 ? 'InternalFailure' : undefined;
    };
    let entries = [orderCreated(1), orderCreated(2), orderCreated(3)];

    const first = await eventBridge.send(new PutEventsCommand({ Entries: entries }));
    expect(first.FailedEntryCount).toBe(1);
    expect(first.Entries?.[1]).toEqual({ ErrorCode: 'InternalFailure', ErrorMessage: expect.any(String) });

    entries = entries.filter((_entry, index) => first.Entries?.[index]?.ErrorCode);
    const retry = await eventBridge.send(new PutEventsCommand({ Entries: entries }));
    expect(retry.FailedEntryCount).toBe(0);
    expect(lambdaCalls.map((call) => (call.event.detail as { orderId: string }).orderId)).toEqual(['o-1', 'o-3', 'o-2']);
  });

  it('refuses more than 10 entries as a whole request', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => orderCreated(i));
    await expect(eventBridge.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(lambdaCalls).toEqual([]);
  });

  it('refuses a request whose entries add up to more than 256 KB', async () => {
    const big = orderCreated(1, { Detail: JSON.stringify({ padding: 'x'.repeat(130 * 1024) }) });
    await expect(eventBridge.send(new PutEventsCommand({ Entries: [big, big] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    // One of them alone fits.
    await expect(eventBridge.send(new PutEventsCommand({ Entries: [big] }))).resolves.toMatchObject({ FailedEntryCount: 0 });
  });

  it('retries a failing SQS target and then delivers', async () => {
    sqsFailures = 2;
    const answer = await eventBridge.send(new PutEventsCommand({ Entries: [orderCreated(20_000)] }));
    expect(answer.FailedEntryCount).toBe(0);
    await bus.settled();

    expect(sqsCalls).toHaveLength(1);
    expect(busLog.filter((line) => line.includes('retrying'))).toHaveLength(2);
  });

  it('gives up on a target that keeps failing, logs it, and still accepts the event', async () => {
    sqsFailures = 99;
    const answer = await eventBridge.send(new PutEventsCommand({ Entries: [orderCreated(20_000)] }));
    await bus.settled();

    expect(answer.FailedEntryCount).toBe(0);
    expect(sqsCalls).toEqual([]);
    expect(snsCalls).toHaveLength(1);
    expect(busLog.some((line) => line.includes('delivery failed after 3 attempts') && line.includes('queue unavailable'))).toBe(true);
  });

  it('answers an operation it does not support with UnknownOperationException', async () => {
    await expect(eventBridge.send(new ListRulesCommand({}))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining('ListRules'),
    });
  });
});

describe('rules', () => {
  it('refuses a rule whose pattern EventBridge would refuse, naming the problem', () => {
    const put = () =>
      bus.putRule(BUS, { name: 'broken', pattern: { detail: { total: [{ numeric: ['>', 'ten'] }] } }, targets: [] });
    expect(put).toThrow(InvalidEventPatternError);
    expect(put).toThrow('detail.total[0].numeric: ">" must be followed by a number');
  });

  it('refuses a rule on a bus that does not exist', () => {
    expect(() => bus.putRule('nope', { name: 'r', pattern: { source: ['a'] }, targets: [] })).toThrow('Event bus nope does not exist.');
  });
});
