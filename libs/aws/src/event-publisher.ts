import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { requireEnv } from '@shop/common';
import { EVENT_BUS_ENV } from '@shop/platform';
import { eventBridgeClient } from './eventbridge';
import { eventBridgeEntry, type EventEnvelope } from '@shop/events';

/** PutEvents takes at most this many entries per request. */
export const MAX_ENTRIES_PER_PUT = 10;

/** PutEvents refuses a whole request whose entries add up to more than this, counted as `putEventsEntrySize` does. */
export const MAX_BYTES_PER_PUT = 256 * 1024;

/**
 * An entry's size as EventBridge counts it against a PutEvents request's limit ("Calculating
 * PutEvents event entry size" in its user guide): 14 bytes for a time, and the UTF-8 bytes of the
 * source, the detail type, the detail and each resource.
 */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, 'utf8') : 0);
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

export interface PublishOutcome {
  /** Ids of the events the bus took. */
  published: string[];
  /** Ids of the events the bus still refused after the retries, with its reason. */
  failed: { id: string; reason: string }[];
}

export interface EventPublisher {
  /**
   * Puts the events on the bus in order, up to ten and 256 KB per request and one event of a flow
   * (`correlationId`) per request, retrying each entry the bus refused. When entries of a request
   * still fail, it stops there: later events are not put, so that none overtakes an event of its
   * flow that failed.
   */
  publish(events: readonly EventEnvelope[]): Promise<PublishOutcome>;
}

export interface EventBridgePublisherOptions {
  client?: () => EventBridgeClient;
  busName?: () => string;
  /** PutEvents calls per chunk, the first included; 3 by default. */
  maxAttempts?: number;
  /** First pause before putting refused entries again; doubles each time. */
  baseDelayMs?: number;
}

/**
 * The shop's event bus behind the EventPublisher port. PutEvents answers 200 even when some
 * entries failed (throttling, an internal error): `FailedEntryCount` says how many, and each
 * failed entry has an `ErrorCode` in its place. Those entries, and only those, are put again.
 * An error of the call itself (the bus unreachable) is thrown: nothing is known to be published.
 */
export function eventBridgePublisher(options: EventBridgePublisherOptions = {}): EventPublisher {
  const client = options.client ?? eventBridgeClient;
  const busName = options.busName ?? (() => requireEnv(EVENT_BUS_ENV));
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 100;

  return {
    async publish(events) {
      const outcome: PublishOutcome = { published: [], failed: [] };
      if (events.length === 0) return outcome;
      const bus = busName();
      for (const chunk of requests(events.map((event) => ({ event, entry: eventBridgeEntry(event, bus) })))) {
        let pending = chunk;
        let refused: { id: string; reason: string }[] = [];
        for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
          if (attempt > 1) await pause(baseDelayMs * 2 ** (attempt - 2));
          const answer = await client().send(new PutEventsCommand({ Entries: pending.map(({ entry }) => entry) }));
          const entries: PutEventsResultEntry[] = answer.Entries ?? [];
          refused = [];
          const retry: typeof pending = [];
          pending.forEach((put, i) => {
            const entry = entries[i];
            if (entry?.EventId && !entry.ErrorCode) outcome.published.push(put.event.id);
            else {
              retry.push(put);
              refused.push({ id: put.event.id, reason: `${entry?.ErrorCode ?? 'NoAnswer'}: ${entry?.ErrorMessage ?? 'no entry in the answer'}` });
            }
          });
          pending = retry;
        }
        outcome.failed.push(...refused);
        if (refused.length > 0) break;
      }
      return outcome;
    },
  };
}

/**
 * The entries in order, cut into requests of at most ten entries and 256 KB, and of at most one
 * event per flow (`correlationId`: an order's events share it). EventBridge takes or refuses each
 * entry of a request on its own, so an order's OrderPaid in the same request as its OrderCreated
 * could be taken while OrderCreated is refused, and reach the customer first; in later requests,
 * it is not put at all until OrderCreated is. An entry over 256 KB on its own goes alone, and the
 * bus refuses it: that is an error no split can mend.
 */
function requests<T extends { event: EventEnvelope; entry: PutEventsRequestEntry }>(puts: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let flows = new Set<string>();
  let bytes = 0;
  for (const put of puts) {
    const size = putEventsEntrySize(put.entry);
    const full = current.length === MAX_ENTRIES_PER_PUT || bytes + size > MAX_BYTES_PER_PUT || flows.has(put.event.correlationId);
    if (current.length > 0 && full) {
      out.push(current);
      current = [];
      flows = new Set();
      bytes = 0;
    }
    current.push(put);
    flows.add(put.event.correlationId);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
