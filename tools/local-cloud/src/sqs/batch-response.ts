import type { ErrorPayload } from '../lambda-runtime';

/**
 * Which messages of a batch failed, read from the function's answer the way Lambda reads it
 * for an event source mapping with `ReportBatchItemFailures`:
 *
 * - a function error (or timeout) fails the whole batch;
 * - no answer, an answer without `batchItemFailures`, or an empty list: every message succeeded;
 * - `{batchItemFailures: [{itemIdentifier}]}`: exactly those messages failed;
 * - an answer Lambda cannot use (an identifier that is empty, not a string or not in the
 *   batch; a list that is not a list): the whole batch failed.
 */

export type BatchOutcome =
  | { failed: 'all'; reason: string }
  | { failed: 'some'; messageIds: ReadonlySet<string> };

/** What the invocation gave: the function's answer or its error. */
export type InvocationAnswer = { ok: true; payload: unknown } | { ok: false; error: ErrorPayload };

export function batchOutcome(result: InvocationAnswer, batchMessageIds: readonly string[]): BatchOutcome {
  if (!result.ok) return { failed: 'all', reason: `${result.error.errorType}: ${result.error.errorMessage}` };
  const answer = result.payload;
  if (answer === null || answer === undefined) return { failed: 'some', messageIds: new Set() };
  if (typeof answer !== 'object' || Array.isArray(answer)) return { failed: 'all', reason: 'the answer is not a batch response' };

  const failures = (answer as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { failed: 'some', messageIds: new Set() };
  if (!Array.isArray(failures)) return { failed: 'all', reason: 'batchItemFailures is not a list' };

  const inBatch = new Set(batchMessageIds);
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !inBatch.has(id)) {
      return { failed: 'all', reason: `batchItemFailures names ${JSON.stringify(id)}, which is not a message of the batch` };
    }
    failed.add(id);
  }
  return { failed: 'some', messageIds: failed };
}
