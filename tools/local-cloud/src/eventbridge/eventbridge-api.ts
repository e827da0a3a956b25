import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { startAwsJsonApi } from '../aws-json-api';
import type { ListeningServer } from '../http-server';
import { EventBridgeError, type LocalEventBus } from './event-bus';

/**
 * The EventBridge API over HTTP, as the SDK's `EventBridgeClient` speaks it: AWS JSON 1.1, one
 * `POST /` per call with the operation in `x-amz-target: AWSEvents.<Operation>`, timestamps as
 * epoch seconds, errors as `{__type, message}` with status 400. PutEvents only: rules come
 * from the manifests, not from PutRule calls.
 */

/** Well above PutEvents' 256 KB of entries, so that the bus, not the reader, names that limit. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export function startEventBridgeApi(bus: LocalEventBus, options: { host?: string; port?: number }): Promise<ListeningServer> {
  return startAwsJsonApi({
    version: '1.1',
    targetPrefix: 'AWSEvents',
    operations: { PutEvents: (request) => bus.putEvents(entriesOf(request['Entries'])) },
    apiError: (error) => (error instanceof EventBridgeError ? { code: error.code, message: error.message } : undefined),
    maxRequestBytes: MAX_REQUEST_BYTES,
    ...options,
  });
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
