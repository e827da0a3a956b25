import type { EventDefinition, EventEnvelope } from './envelope';
import { InvalidEventError } from './codec';

/**
 * How an envelope travels. On EventBridge the envelope's `source` and `type` become the event's
 * `source` and `detail-type`, so that rules can match them, and the whole envelope is the
 * `detail`: EventBridge's own event id and time say when the bus took it, the envelope's say what
 * happened. An EventBridge target that is an SNS topic gets the whole EventBridge event as the
 * message text, so the envelope arrives one level deeper there.
 */

/** The fields of a PutEvents entry (the SDK's `PutEventsRequestEntry`) that the shop sets. */
export interface EventBridgeEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Time: Date;
}

export function eventBridgeEntry(envelope: EventEnvelope, eventBusName: string): EventBridgeEntry {
  return {
    EventBusName: eventBusName,
    Source: envelope.source,
    DetailType: envelope.type,
    Detail: JSON.stringify(envelope),
    Time: new Date(envelope.time),
  };
}

/** The envelope inside an EventBridge event, unchecked: `parseEvent` checks it. */
export function envelopeFromEventBridge(event: unknown): unknown {
  if (typeof event !== 'object' || event === null || !('detail' in event)) {
    throw new InvalidEventError('not an EventBridge event: it has no detail', []);
  }
  return (event as { detail: unknown }).detail;
}

/** The envelope inside an SNS message that an EventBridge rule published, unchecked. */
export function envelopeFromSnsMessage(message: string): unknown {
  let event: unknown;
  try {
    event = JSON.parse(message);
  } catch {
    throw new InvalidEventError('the SNS message is not JSON', []);
  }
  return envelopeFromEventBridge(event);
}

/** What a function that publishes these events declares in its manifest (`permissions.publishes`). */
export function publishing(...definitions: readonly [EventDefinition, ...EventDefinition[]]): { source: string; detailTypes: string[] } {
  const sources = new Set(definitions.map((d) => d.source));
  if (sources.size !== 1) throw new Error(`events of one publisher come from one source, not ${[...sources].join(', ')}`);
  return { source: definitions[0].source, detailTypes: definitions.map((d) => d.type) };
}

/** The part of an EventBridge rule's pattern that selects these events by source and type. */
export function eventsPattern(...definitions: readonly [EventDefinition, ...EventDefinition[]]): { source: string[]; 'detail-type': string[] } {
  return { source: [...new Set(definitions.map((d) => d.source))], 'detail-type': definitions.map((d) => d.type) };
}
