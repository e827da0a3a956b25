import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { eventBridgeEntry, type EventEnvelope } from '@shop/events';
import { expect } from 'vitest';
import { api, cloud } from './cloud';

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const eventBridge = new EventBridgeClient({ ...local, endpoint: cloud.eventBridgeEndpoint });
const sqs = new SQSClient({ ...local, endpoint: cloud.sqsEndpoint });

export interface OutboxMessage {
  channel: 'email' | 'sms';
  to: string[];
  subject?: string;
  text: string;
}

/** What the shop sent to one address or number (`GET /_local/outbox`). */
export async function outboxFor(to: string): Promise<OutboxMessage[]> {
  const res = await api.get(`/_local/outbox?to=${encodeURIComponent(to)}`);
  expect(res.status).toBe(200);
  return res.body.messages;
}

export interface BusEvent {
  event: { id: string; 'detail-type': string; source: string; detail: EventEnvelope };
  matchedRules: string[];
}

/** The events the shop's bus took of one type about one order (`GET /_local/events`). */
export async function busEventsOf(detailType: string, orderId: string): Promise<BusEvent[]> {
  const res = await api.get(`/_local/events?detailType=${detailType}`);
  expect(res.status).toBe(200);
  return (res.body.events as BusEvent[]).filter((e) => (e.event.detail.detail as { orderId?: string }).orderId === orderId);
}

/** Puts envelopes on the shop's bus through the real SDK, as a publisher would: a redelivery, or a broken event. */
export async function putOnBus(...envelopes: EventEnvelope[]): Promise<void> {
  const answer = await eventBridge.send(new PutEventsCommand({ Entries: envelopes.map((e) => eventBridgeEntry(e, cloud.eventBusName)) }));
  expect(answer.FailedEntryCount).toBe(0);
}

/** An on-failure record in a dead-letter queue: the event a function was given and how it failed. */
export interface FailureRecord {
  requestContext: { condition: string; approximateInvokeCount: number; functionArn: string };
  requestPayload: unknown;
  responsePayload: { errorType: string; errorMessage: string };
}

/** The records in a dead-letter queue, peeked (they stay), that `matches` picks out. */
export async function deadLetters(queueUrl: string, matches: (record: FailureRecord) => boolean): Promise<FailureRecord[]> {
  const found = new Map<string, FailureRecord>();
  // A peek returns at most 10 at a time, in no set order: read until a pass brings nothing new.
  for (let pass = 0; pass < 10; pass++) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
    let fresh = 0;
    for (const message of got.Messages ?? []) {
      if (found.has(message.MessageId ?? '')) continue;
      fresh++;
      found.set(message.MessageId ?? '', JSON.parse(message.Body ?? '{}') as FailureRecord);
    }
    if (fresh === 0) break;
  }
  return [...found.values()].filter(matches);
}

export interface TraceEntry {
  functionName: string;
  pattern: string;
  via: string;
  ok: boolean;
  error?: string;
  correlationIds: string[];
}

/** Every invocation the local cloud saw for a correlation id (`GET /_local/trace`). */
export async function traceOf(correlationId: string): Promise<TraceEntry[]> {
  const res = await api.get(`/_local/trace?correlationId=${encodeURIComponent(correlationId)}`);
  expect(res.status).toBe(200);
  return res.body.invocations;
}

/** Waits until `check` passes (it throws until then), up to `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
