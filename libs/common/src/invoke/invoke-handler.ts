import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { ErrorDetail } from '../errors';
import { isSafeCorrelationId } from '../correlation-id';
import { issuesToDetails } from '../http/validation';
import type { Logger } from '../logger';
import { markHandler, reportError, reportExpectedError, startInvocation, type TriggerType } from '../triggers/invocation';

/**
 * An error that is part of a function's contract: the caller branches on its name. Lambda
 * reports `error.name` as the invocation's `errorType`, which a LambdaClient caller reads from
 * the payload of a `FunctionError` answer and Step Functions matches in `Retry` and `Catch`.
 */
export class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The payload does not match the function's schema. Nothing was read or written. */
export class InvalidRequestError extends NamedError {
  constructor(readonly details: readonly ErrorDetail[]) {
    super('InvalidRequest', `Invalid payload: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`);
  }
}

export interface InvokeRequest<P> {
  /** The validated payload, without `correlationId`. */
  payload: P;
  /** The caller's `correlationId`, or this invocation's request id when it sent none (or an unsafe one). */
  correlationId: string;
  log: Logger;
  context: Context;
}

/**
 * Wraps a function that another function invokes directly. `correlationId` travels in the payload
 * the way the `x-correlation-id` header travels over HTTP: it is taken out before the payload is
 * checked against `schema` (so strict schemas need not name it) and put on every log line. A
 * payload that does not match throws `InvalidRequest` before `handle` runs; errors `handle` throws
 * reach the caller unchanged, with their names.
 */
export function invokeHandler<S extends z.ZodMiniType, R>(schema: S, handle: (request: InvokeRequest<z.output<S>>) => Promise<R>) {
  return directHandler('invoke', schema, handle);
}

/** The invoke wrapper's work, for the triggers whose caller sends the payload itself (`invoke`, `state-machine-task`). */
export function directHandler<S extends z.ZodMiniType, R>(
  trigger: Extract<TriggerType, 'invoke' | 'state-machine-task'>,
  schema: S,
  handle: (request: InvokeRequest<z.output<S>>) => Promise<R>,
) {
  return markHandler(async (event: unknown, context: Context): Promise<R> => {
    const invocation = startInvocation(trigger, context);
    const { correlationId: offered, payload } = splitCorrelationId(event);
    const correlationId = offered ?? invocation.awsRequestId;
    const log = invocation.logger(correlationId);
    try {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw new InvalidRequestError(issuesToDetails('payload', parsed.error.issues));
      const result = await handle({ payload: parsed.data, correlationId, log, context });
      log.info({ durationMs: Date.now() - invocation.started }, 'invocation completed');
      return result;
    } catch (error) {
      // A named error is an answer the caller expects (OutOfStock); anything else is a fault. A
      // payload that does not match is the caller's fault: it counts as an error, not an answer.
      if (error instanceof NamedError) log.info({ errorType: error.name, durationMs: Date.now() - invocation.started }, error.message);
      else log.error({ err: error, durationMs: Date.now() - invocation.started }, 'invocation failed');
      if (error instanceof NamedError && !(error instanceof InvalidRequestError)) reportExpectedError(trigger, error.name, invocation.started);
      else reportError(trigger, error, error instanceof InvalidRequestError);
      throw error;
    }
    // Either trigger's caller sends the payload the same way, so one wrapper serves both (release-stock has both).
  }, ['invoke', 'state-machine-task']);
}

function splitCorrelationId(event: unknown): { correlationId?: string; payload: unknown } {
  if (typeof event !== 'object' || event === null || Array.isArray(event) || !('correlationId' in event)) {
    return { payload: event };
  }
  const { correlationId, ...payload } = event as Record<string, unknown>;
  return isSafeCorrelationId(correlationId) ? { correlationId, payload } : { payload };
}
