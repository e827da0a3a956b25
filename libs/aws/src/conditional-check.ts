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
