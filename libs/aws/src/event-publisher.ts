import { type EventBridgeClient, PutEventsCommand, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { requireEnv } from '@shop/common';
import { EVENT_BUS_ENV } from '@shop/platform';
import { eventBridgeClient } from './eventbridge';
import { eventBridgeEntry, type EventEnvelope } from '@shop/events';

/** PutEvents takes at most this many entries per request. */
export const MAX_ENTRIES_PER_PUT = 10;

export interface PublishOutcome {
  /** Ids of the events the bus took. */
  published: string[];
  /** Ids of the events the bus still refused after the retries, with its reason. */
  failed: { id: string; reason: string }[];
}

export interface EventPublisher {
  /**
   * Puts the events on the bus in order, up to ten per request, retrying each entry the bus
   * refused. When entries of a request still fail, it stops there: later events are not put, so
   * that they do not overtake the ones that failed.
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
      for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_PUT) {
        let pending = events.slice(start, start + MAX_ENTRIES_PER_PUT);
        let refused: { id: string; reason: string }[] = [];
        for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
          if (attempt > 1) await pause(baseDelayMs * 2 ** (attempt - 2));
          const answer = await client().send(new PutEventsCommand({ Entries: pending.map((e) => eventBridgeEntry(e, busName())) }));
          const entries: PutEventsResultEntry[] = answer.Entries ?? [];
          refused = [];
          const retry: EventEnvelope[] = [];
          pending.forEach((event, i) => {
            const entry = entries[i];
            if (entry?.EventId && !entry.ErrorCode) outcome.published.push(event.id);
            else {
              retry.push(event);
              refused.push({ id: event.id, reason: `${entry?.ErrorCode ?? 'NoAnswer'}: ${entry?.ErrorMessage ?? 'no entry in the answer'}` });
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

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
