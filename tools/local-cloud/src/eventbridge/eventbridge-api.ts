import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { listen, type ListeningServer, readBody } from '../http-server';
import { EventBridgeError, type LocalEventBus } from './event-bus';

/**
 * The EventBridge API over HTTP, as the SDK's `EventBridgeClient` speaks it: AWS JSON 1.1, one
 * `POST /` per call with the operation in `x-amz-target: AWSEvents.<Operation>`, timestamps as
 * epoch seconds, errors as `{__type, message}` with status 400. PutEvents only: rules come
 * from the manifests, not from PutRule calls.
 */

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AWSEvents.';
/** Well above PutEvents' 256 KB of entries, so that the bus, not the reader, names that limit. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export async function startEventBridgeApi(bus: LocalEventBus, options: { host?: string; port?: number }): Promise<ListeningServer> {
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (request.method !== 'POST' || operation !== 'PutEvents') {
      const name = operation || target || `${request.method} ${request.url}`;
      return sendError(response, new EventBridgeError('UnknownOperationException', `The local EventBridge does not support ${name}; only PutEvents`));
    }
    const read = await readBody(request, MAX_REQUEST_BYTES);
    if (read.tooLarge) return sendError(response, new EventBridgeError('ValidationException', 'Total size of the entries in the request is over the limit.'));
    let body: { Entries?: unknown };
    try {
      body = read.body.byteLength ? (JSON.parse(read.body.toString('utf8')) as { Entries?: unknown }) : {};
    } catch {
      return sendError(response, new EventBridgeError('SerializationException', 'Request body is not JSON'));
    }
    try {
      send(response, 200, bus.putEvents(entriesOf(body.Entries)));
    } catch (error) {
      if (error instanceof EventBridgeError) return sendError(response, error);
      throw error;
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (response.headersSent) return void response.destroy(error);
      send(response, 500, { __type: 'InternalException', message: error.message }, 'InternalException');
    });
  });
  return listen(server, options);
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

function sendError(response: ServerResponse, error: EventBridgeError): void {
  send(response, 400, { __type: error.code, message: error.message }, error.code);
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'x-amzn-requestid': randomUUID(),
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  response.end(JSON.stringify(body));
}
