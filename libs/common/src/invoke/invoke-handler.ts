import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import type { ErrorDetail } from '../errors';
import { isSafeCorrelationId } from '../correlation-id';
import { issuesToDetails } from '../http/validation';
import { logger as rootLogger, type Logger } from '../logger';

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
 * Wraps a function that another function or a state machine invokes directly. `correlationId`
 * travels in the payload the way the `x-correlation-id` header travels over HTTP: it is taken
 * out before the payload is checked against `schema` (so strict schemas need not name it) and
 * put on every log line. A payload that does not match throws `InvalidRequest` before `handle`
 * runs; errors `handle` throws reach the caller unchanged, with their names.
 */
export function invokeHandler<S extends z.ZodType, R>(
  schema: S,
  handle: (request: InvokeRequest<z.output<S>>) => Promise<R>,
): (event: unknown, context: Context) => Promise<R> {
  return async (event, context) => {
    const started = Date.now();
    const { correlationId: offered, payload } = splitCorrelationId(event);
    const correlationId = offered ?? context.awsRequestId;
    const log = rootLogger.child({ awsRequestId: context.awsRequestId, correlationId });
    try {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw new InvalidRequestError(issuesToDetails('payload', parsed.error.issues));
      const result = await handle({ payload: parsed.data, correlationId, log, context });
      log.info({ durationMs: Date.now() - started }, 'invocation completed');
      return result;
    } catch (error) {
      // A named error is an answer the caller expects (OutOfStock); anything else is a fault.
      if (error instanceof NamedError) log.info({ errorType: error.name, durationMs: Date.now() - started }, error.message);
      else log.error({ err: error, durationMs: Date.now() - started }, 'invocation failed');
      throw error;
    }
  };
}

function splitCorrelationId(event: unknown): { correlationId?: string; payload: unknown } {
  if (typeof event !== 'object' || event === null || Array.isArray(event) || !('correlationId' in event)) {
    return { payload: event };
  }
  const { correlationId, ...payload } = event as Record<string, unknown>;
  return isSafeCorrelationId(correlationId) ? { correlationId, payload } : { payload };
}
