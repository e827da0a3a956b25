import type { Context } from 'aws-lambda';
import type { Logger } from '../logger';
import { markHandler, startInvocation } from './invocation';
import type { InputSchema, Parsed } from './parse';
import { handleOneEvent } from './single-event';

export interface ScheduledRun<T> {
  /** The schedule's `input` from the manifest, checked against the schema. */
  input: T;
  /** Each run is its own story: its request id, unless the input carries a `correlationId`. */
  correlationId: string;
  log: Logger;
  context: Context | undefined;
}

/**
 * Wraps a function EventBridge Scheduler invokes (asynchronously) with the schedule's `input`.
 * The input is checked against `schema`; a run that is not valid or fails, fails the invocation,
 * so that Lambda retries it and then puts it on the function's on-failure destination.
 */
export function scheduleHandler<S extends InputSchema, R>(schema: S, handle: (run: ScheduledRun<Parsed<S>>) => Promise<R>) {
  return markHandler(async (event: unknown, context?: Context): Promise<R> => {
    const invocation = startInvocation('schedule', context);
    return handleOneEvent(
      invocation,
      { raw: () => event, what: 'scheduled run', source: 'schedule input', fallbackCorrelationId: invocation.awsRequestId },
      schema,
      (input, correlationId, log) => handle({ input, correlationId, log, context }),
    );
  }, ['schedule']);
}
