import type { CancellationReason } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB refused a write because its condition did not hold (the SDK's
 * `ConditionalCheckFailedException`, by name: the class need not be the caller's copy).
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

/**
 * Why DynamoDB cancelled a transaction, one reason per item in the order they were sent
 * (`Code: 'ConditionalCheckFailed'`, `'None'`, …); undefined when `error` is not a cancellation.
 */
export function transactionCancellationReasons(error: unknown): CancellationReason[] | undefined {
  const e = error as { name?: unknown; CancellationReasons?: CancellationReason[] } | null;
  return e?.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []) : undefined;
}

/**
 * Makes a conditional write and answers what it returned, or `undefined` when DynamoDB refused it
 * for its condition: how a repeated, late or raced request changes nothing. Other failures are thrown.
 */
export async function whenConditionHolds<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

/** Makes a conditional write: `true` when it was written, `false` when its condition did not hold (see `whenConditionHolds`). */
export async function conditionHeld(write: () => Promise<unknown>): Promise<boolean> {
  const written = await whenConditionHolds(async () => {
    await write();
    return true;
  });
  return written ?? false;
}
