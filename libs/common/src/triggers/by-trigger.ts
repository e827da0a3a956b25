import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../http/http-handler';
import { handlerTriggers, markHandler } from './invocation';

/**
 * One function with an HTTP route and a schedule (generate-report): API Gateway's proxy events
 * carry `requestContext.http`, the scheduler's input does not. Each half is built by its own
 * wrapper; the answer is marked with both their triggers.
 */
export function httpOrScheduleHandler<H, R>(handlers: {
  http: (event: HttpEvent, context: Context) => Promise<H>;
  schedule: (event: unknown, context: Context) => Promise<R>;
}) {
  const { http, schedule } = handlers;
  return markHandler(
    (event: unknown, context: Context): Promise<H | R> => (isHttpEvent(event) ? http(event, context) : schedule(event, context)),
    [...(handlerTriggers(http) ?? []), ...(handlerTriggers(schedule) ?? [])],
  );
}

function isHttpEvent(event: unknown): event is HttpEvent {
  return typeof (event as { requestContext?: { http?: unknown } } | null)?.requestContext?.http === 'object';
}
