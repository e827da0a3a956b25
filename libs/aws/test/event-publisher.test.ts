import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from '@shop/events';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { eventBridgePublisher, MAX_BYTES_PER_PUT, MAX_ENTRIES_PER_PUT, putEventsEntrySize } from '../src/event-publisher';

const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const publisher = eventBridgePublisher({ client: () => client, busName: () => 'shop-test-events', baseDelayMs: 1 });
beforeEach(() => eventBridge.reset());
afterAll(() => eventBridge.restore());

/** An event whose detail is about `kib` KiB of three-byte characters, as long non-Latin product names make it; each of its own flow unless one is given. */
const event = (kib: number, correlationId = `corr-${randomUUID()}`, type = 'OrderCreated'): EventEnvelope => ({
  id: randomUUID(),
  type,
  version: 1,
  source: 'shop.orders',
  time: '2026-03-01T10:00:00.000Z',
  correlationId,
  detail: { lines: '注'.repeat((kib * 1024) / 3) },
});

const accepted = (input: PutEventsCommandInput) => ({ FailedEntryCount: 0, Entries: (input.Entries ?? []).map(() => ({ EventId: randomUUID() })) });
const requests = () => eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);

describe('eventBridgePublisher', () => {
  it('counts an entry as EventBridge does: the time, and the UTF-8 bytes of source, detail type, detail and resources', () => {
    expect(putEventsEntrySize({ Time: new Date(), Source: 'shop.orders', DetailType: 'OrderPaid', Detail: '{"a":"é"}', Resources: ['arn:x'] })).toBe(14 + 11 + 9 + 10 + 5);
    expect(putEventsEntrySize({ Detail: '{}' })).toBe(2);
  });

  it('cuts requests at 256 KB as well as at ten entries, keeping the events in order', async () => {
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    const events = Array.from({ length: 12 }, () => event(40));
    const outcome = await publisher.publish(events);
    expect(outcome).toEqual({ published: events.map((e) => e.id), failed: [] });
    const sent = requests();
    expect(sent.length).toBeGreaterThan(1);
    for (const entries of sent) {
      expect(entries.length).toBeLessThanOrEqual(MAX_ENTRIES_PER_PUT);
      expect(entries.reduce((sum, entry) => sum + putEventsEntrySize(entry), 0)).toBeLessThanOrEqual(MAX_BYTES_PER_PUT);
    }
    expect(sent.map((entries) => entries.length)).toEqual([6, 6]);
    expect(sent.flat().map((entry) => JSON.parse(entry.Detail ?? '{}').id)).toEqual(events.map((e) => e.id));
  });

  it('still puts small events ten to a request', async () => {
    eventBridge.on(PutEventsCommand).callsFake(accepted);
    await publisher.publish(Array.from({ length: 23 }, () => event(1)));
    expect(requests().map((entries) => entries.length)).toEqual([10, 10, 3]);
  });

  it("puts one event of a flow per request, so that a later one of an order never overtakes its refused OrderCreated", async () => {
    const created = event(1, 'order-a', 'OrderCreated');
    const other = event(1, 'order-b', 'OrderCreated');
    const paid = event(1, 'order-a', 'OrderPaid');
    // The bus refuses order-a's OrderCreated every time, and takes everything else.
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 1,
      Entries: (input.Entries ?? []).map((entry) =>
        JSON.parse(entry.Detail ?? '{}').id === created.id ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: randomUUID() },
      ),
    }));

    const outcome = await publisher.publish([created, other, paid]);

    expect(outcome).toEqual({ published: [other.id], failed: [{ id: created.id, reason: 'ThrottlingException: Rate exceeded' }] });
    const put = requests().flat().map((entry) => JSON.parse(entry.Detail ?? '{}').id);
    expect(put).not.toContain(paid.id);
    expect(requests()[0]?.map((entry) => JSON.parse(entry.Detail ?? '{}').id)).toEqual([created.id, other.id]);
  });

  it('puts nothing, and needs no bus name, for no events', async () => {
    const unnamed = eventBridgePublisher({ client: () => client, busName: () => { throw new Error('no bus name'); } });
    expect(await unnamed.publish([])).toEqual({ published: [], failed: [] });
    expect(requests()).toEqual([]);
  });
});
