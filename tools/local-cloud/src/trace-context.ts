import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * X-Ray's trace context as the local cloud carries it between functions, the way AWS does with
 * active tracing on: Lambda gives each invocation `_X_AMZN_TRACE_ID` (`Root=…;Parent=…;Sampled=1`),
 * the AWS SDK v3 sends it on every request as `X-Amzn-Trace-Id` (its recursion-detection
 * middleware, in every client), and the service that takes the request carries it on to what it
 * triggers: Lambda's Invoke, SQS (the `AWSTraceHeader` system attribute), SNS, EventBridge and
 * Step Functions. A DynamoDB stream carries none, on AWS as here: a stream batch starts a trace of
 * its own, and the view joins it to the order by its correlation id.
 *
 * Inside the local cloud's process the context follows the work an incoming request started
 * (AsyncLocalStorage), so a state machine's tasks, a rule's targets and a topic's deliveries
 * inherit the trace of the call that put them in motion; a queued message carries it as AWS does.
 */
export interface TraceParent {
  /** `1-<8 hex digits of epoch seconds>-<24 hex digits>`. */
  traceId: string;
  /** The segment that made the call, when the call came from a traced function. */
  parentId?: string;
}

const current = new AsyncLocalStorage<TraceParent | null>();

export function newTraceId(now = Date.now()): string {
  return `1-${Math.floor(now / 1000).toString(16).padStart(8, '0')}-${randomBytes(12).toString('hex')}`;
}

export function newSegmentId(): string {
  return randomBytes(8).toString('hex');
}

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;

/** Reads `Root=…;Parent=…;Sampled=…`; anything that is not a valid root is no trace. */
export function parseTraceHeader(header: string | string[] | undefined): TraceParent | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  const fields = new Map(
    text.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const traceId = fields.get('Root');
  if (!traceId || !TRACE_ID.test(traceId)) return undefined;
  const parentId = fields.get('Parent');
  return { traceId, ...(parentId && SEGMENT_ID.test(parentId) && { parentId }) };
}

export function formatTraceHeader(traceId: string, parentId: string): string {
  return `Root=${traceId};Parent=${parentId};Sampled=1`;
}

/** Runs `work` in a trace context: a parent, or `null` for none (a source that starts traces of its own). */
export function runInTrace<T>(parent: TraceParent | null | undefined, work: () => T): T {
  return current.run(parent ?? null, work);
}

/** The trace context of the work running now, if a traced call started it. */
export function currentTrace(): TraceParent | undefined {
  return current.getStore() ?? undefined;
}

/** The header a message or call made now carries on: the context's own, formatted again. */
export function currentTraceHeader(): string | undefined {
  const trace = currentTrace();
  return trace?.parentId ? formatTraceHeader(trace.traceId, trace.parentId) : trace ? `Root=${trace.traceId};Sampled=1` : undefined;
}
