import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { AccessRequest } from '@shop/platform';
import { startAwsJsonApi } from '../aws-json-api';
import type { ListeningServer } from '../http-server';
import type { Authorizer } from '../iam/local-iam';
import { EventBridgeError, type LocalEventBus } from './event-bus';

/**
 * The EventBridge API over HTTP, as the SDK's `EventBridgeClient` speaks it: AWS JSON 1.1, one
 * `POST /` per call with the operation in `x-amz-target: AWSEvents.<Operation>`, timestamps as
 * epoch seconds, errors as `{__type, message}` with status 400. PutEvents only: rules come
 * from the manifests, not from PutRule calls.
 */

/** Well above PutEvents' 256 KB of entries, so that the bus, not the reader, names that limit. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface EventBridgeApiOptions {
  host?: string;
  port?: number;
  /** The local cloud's IAM, and the account and region of the buses' ARNs it judges PutEvents on. */
  access?: { authorizer: Authorizer; region: string; accountId: string };
}

export function startEventBridgeApi(bus: LocalEventBus, options: EventBridgeApiOptions): Promise<ListeningServer> {
  const { access, ...listenOn } = options;
  return startAwsJsonApi({
    version: '1.1',
    targetPrefix: 'AWSEvents',
    operations: {
      PutEvents: (request, headers) =>
        bus.putEvents(entriesOf(request['Entries']), access && ((entry) => access.authorizer.deny(headers, [putEventsRequest(entry, access)]))),
    },
    apiError: (error) => (error instanceof EventBridgeError ? { code: error.code, message: error.message } : undefined),
    maxRequestBytes: MAX_REQUEST_BYTES,
    ...listenOn,
  });
}

/**
 * PutEvents is judged entry by entry, as EventBridge does: on the bus the entry names, with its
 * source and detail type as `events:source` and `events:detail-type`. An entry refused fails on
 * its own (AccessDeniedException in its ErrorCode, FailedEntryCount counting it); the others go
 * through.
 */
function putEventsRequest(entry: PutEventsRequestEntry, { region, accountId }: { region: string; accountId: string }): AccessRequest {
  const bus = entry.EventBusName ?? 'default';
  const context: Record<string, string> = {};
  if (entry.Source !== undefined) context['events:source'] = entry.Source;
  if (entry.DetailType !== undefined) context['events:detail-type'] = entry.DetailType;
  return { action: 'events:PutEvents', resource: bus.startsWith('arn:') ? bus : `arn:aws:events:${region}:${accountId}:event-bus/${bus}`, context };
}

/** The wire form of the entries, typed as the SDK's: `Time` comes as epoch seconds. */
function entriesOf(entries: unknown): PutEventsRequestEntry[] {
  if (!Array.isArray(entries)) {
    throw new EventBridgeError('ValidationException', "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
  }
  return entries.map((item: unknown) => {
    const raw = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    const entry: PutEventsRequestEntry = {};
    for (const field of ['Source', 'DetailType', 'Detail', 'EventBusName', 'TraceHeader'] as const) {
      if (typeof raw[field] === 'string') entry[field] = raw[field];
    }
    if (Array.isArray(raw['Resources'])) entry.Resources = raw['Resources'].filter((r): r is string => typeof r === 'string');
    const time = raw['Time'];
    if (time !== undefined && time !== null) {
      const date = typeof time === 'number' ? new Date(time * 1000) : new Date(String(time));
      if (Number.isNaN(date.getTime())) throw new EventBridgeError('ValidationException', `Time ${JSON.stringify(time)} is not a timestamp`);
      entry.Time = date;
    }
    return entry;
  });
}
