import type { Logger } from '../logger';
import { PoisonMessageError } from './parse';
import { reportError, type TriggerType } from './invocation';

/**
 * The answer of a function that reports partial batch failures (`ReportBatchItemFailures` on its
 * event source mapping): the items that failed come back, the others are done. For a queue an item
 * is a message id; for a stream, a sequence number, and Lambda retries from the lowest one.
 */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export function batchResponse(failed: readonly string[]): BatchResponse {
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** Every message of a batch failed: the invocation fails, so the batch comes back whole and the function's error metric shows it. */
export class AllRecordsFailedError extends Error {
  override readonly name = 'AllRecordsFailed';
  constructor(readonly count: number) {
    super(`All records failed: ${count} of ${count}, each logged on its own`);
  }
}

/**
 * Logs one item that failed and tells the hooks. A poison item is an error of the input, not of
 * this code: logged at warn with what was wrong (never the input itself), so that the alarms on
 * the dead-letter queue, not the error logs, are what call a person.
 */
export function logItemFailure(trigger: TriggerType, log: Logger, error: unknown, what: string): void {
  const poison = error instanceof PoisonMessageError;
  if (poison) log.warn({ errorType: error.name, details: error.details }, `poison ${what}`);
  else log.error({ err: error }, `${what} failed`);
  reportError(trigger, error, poison);
}
