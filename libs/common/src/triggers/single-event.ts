import type { Logger } from '../logger';
import { logItemFailure } from './batch';
import { carriedCorrelationId, type Invocation } from './invocation';
import { type InputSchema, type Parsed, parseInput } from './parse';

/**
 * The part every wrapper of a one-event trigger shares (a topic, a rule, a schedule): check the
 * input, log with its correlation id, and fail the invocation on any error, so that Lambda's
 * asynchronous retries and then the function's on-failure destination take the event, with the
 * error's name and message.
 */
export async function handleOneEvent<S extends InputSchema, R>(
  invocation: Invocation,
  input: { raw: () => unknown; what: string; source: string; fallbackCorrelationId: string; bindings?: Record<string, unknown> },
  schema: S,
  handle: (parsed: Parsed<S>, correlationId: string, log: Logger) => Promise<R>,
): Promise<R> {
  const { what } = input;
  let log = invocation.logger(input.fallbackCorrelationId, input.bindings);
  try {
    const parsed = parseInput(schema, input.raw(), input.source);
    const correlationId = carriedCorrelationId(parsed) ?? input.fallbackCorrelationId;
    if (correlationId !== input.fallbackCorrelationId) log = invocation.logger(correlationId, input.bindings);
    const result = await handle(parsed, correlationId, log);
    log.info({ durationMs: Date.now() - invocation.started }, `${what} processed`);
    return result;
  } catch (error) {
    logItemFailure(invocation.trigger, log, error, what);
    throw error;
  }
}
