import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { Logger } from '../logger';
import { markHandler, startInvocation } from './invocation';
import type { InputSchema, Parsed } from './parse';
import { handleOneEvent } from './single-event';

export interface BusEvent<T> {
  /** The event's `detail`, checked against the schema. */
  detail: T;
  /** The detail's `correlationId`, or EventBridge's event id when it carries none. */
  correlationId: string;
  log: Logger;
  event: EventBridgeEvent<string, unknown>;
  context: Context | undefined;
}

/**
 * Wraps the target of an EventBridge rule. The event's `detail` is checked against `schema` before
 * `handle` runs; an event that is not valid, or that `handle` fails on, fails the invocation, so
 * that Lambda retries it and then puts it with the error on the function's on-failure destination.
 */
export function eventBridgeHandler<S extends InputSchema, R>(schema: S, handle: (event: BusEvent<Parsed<S>>) => Promise<R>) {
  return markHandler(async (event: EventBridgeEvent<string, unknown>, context?: Context): Promise<R> => {
    const invocation = startInvocation('event-rule', context);
    const id = typeof event?.id === 'string' ? event.id : invocation.awsRequestId;
    return handleOneEvent(
      invocation,
      { raw: () => event?.detail, what: 'event', source: `event ${id}`, fallbackCorrelationId: id, bindings: { busEventId: id, detailType: event?.['detail-type'] } },
      schema,
      (detail, correlationId, log) => handle({ detail, correlationId, log, event, context }),
    );
  }, ['event-rule']);
}
