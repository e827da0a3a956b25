import { transactionCancellationReasons } from './conditional-check';

/**
 * DynamoDB cancels a transaction that touches an item another transaction holds at that moment
 * (`TransactionConflict`), without checking its conditions. On an item many requests write at
 * once (a product many checkouts buy, a day's counter of orders) that is routine, and says
 * nothing about the data: the transaction is tried again here, a few times within the
 * invocation, before its caller (the state machine, an admin, a queue) is told. A single write
 * (PutItem, UpdateItem) to an item a transaction holds is refused the same way, with
 * TransactionConflictException. The SDK retries neither: they are not among its throttling errors.
 */

/** Attempts of a transaction that DynamoDB cancels for a conflict with another one on the same item. */
export const CONFLICT_ATTEMPTS = 4;

/** Wait before attempt `n` (2, 3, …) after a transaction conflict. */
export type ConflictDelay = (attempt: number) => number;

/** 10–30 ms before the second attempt, twice as long before each one after: jittered, so that the contenders spread out. */
export const jitteredConflictDelay: ConflictDelay = (attempt) => (10 + Math.random() * 20) * 2 ** (attempt - 2);

/**
 * Whether DynamoDB refused a write for a conflict alone: a transaction cancelled for one (no
 * condition of it failed), or a single write to an item a transaction held at that moment.
 */
export function isTransactionConflict(error: unknown): boolean {
  if ((error as { name?: unknown } | null)?.name === 'TransactionConflictException') return true;
  const reasons = transactionCancellationReasons(error);
  return !!reasons && reasons.some((r) => r.Code === 'TransactionConflict') && !reasons.some((r) => r.Code === 'ConditionalCheckFailed');
}

/** Runs `transact`, and again after a conflict, up to `CONFLICT_ATTEMPTS` in all; anything else, and the last conflict, is thrown. */
export async function retryConflicts<T>(transact: () => Promise<T>, delay: ConflictDelay = jitteredConflictDelay): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transact();
    } catch (error) {
      if (attempt >= CONFLICT_ATTEMPTS || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay(attempt + 1)));
    }
  }
}
