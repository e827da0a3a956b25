import type { ProviderMoney, RefundRequest } from '@shop/contracts';

/**
 * A charge to give back, as the `refunds` table holds it: one item per charge, so that a charge is
 * refunded at most once however often it is asked for (docs/payments.md).
 * REQUESTED – asked for, the provider not yet; PENDING – the provider took the refund (`refundId`);
 * SUCCEEDED – the money is back; FAILED – this attempt failed (a later attempt may follow, or, once
 * the attempts are spent, an operator incident).
 */
export interface RefundRecord {
  chargeId: string;
  orderId: string;
  amount: ProviderMoney;
  reason: string;
  attempt: number;
  status: 'REQUESTED' | 'PENDING' | 'SUCCEEDED' | 'FAILED';
  refundId?: string;
  failureReason?: string;
  correlationId?: string;
  createdAt: string;
  updatedAt: string;
}

/** Attempts at the provider before a refund becomes an operator incident. */
export const MAX_REFUND_ATTEMPTS = 3;

/** Seconds before attempt n (2, 3, …) is asked: SQS delays a message at most 900 s. */
export function refundRetryDelaySeconds(nextAttempt: number): number {
  return Math.min(900, 5 * 6 ** (nextAttempt - 2));
}

/**
 * What to do with a refund request, given what the table holds for its charge:
 * `ask` – ask the provider for this attempt (safe to repeat: its idempotency key is the attempt's);
 * `wait` – this is the next attempt, but the failure of the last one is not recorded yet (its
 *   webhook asked for the retry first): try again later;
 * `done` – nothing: the refund succeeded, is under way with the provider, or this request is stale.
 */
export function planRefund(record: RefundRecord, request: Pick<RefundRequest, 'attempt'>): 'ask' | 'wait' | 'done' {
  if (record.status === 'SUCCEEDED') return 'done';
  if (record.attempt < request.attempt) return 'wait';
  if (record.attempt > request.attempt) return 'done';
  return record.status === 'REQUESTED' ? 'ask' : 'done';
}

/** The provider's idempotency key of one attempt: a repeat of the attempt is the same refund; a new attempt is a new one. */
export function refundIdempotencyKey(chargeId: string, attempt: number): string {
  return `refund-${chargeId}-${attempt}`;
}

/**
 * The refund's metadata key that names the shop's attempt: the provider echoes a refund's metadata
 * in its webhooks, so an event is known for the attempt's own even before its refund id is noted.
 * A refund made in the provider's dashboard carries none.
 */
export const REFUND_ATTEMPT_METADATA = 'refundAttempt';

/** The shop's attempt a refund event's metadata names, if any. */
export function attemptOfRefund(metadata: Readonly<Record<string, string>> | undefined): number | undefined {
  const attempt = metadata?.[REFUND_ATTEMPT_METADATA];
  return attempt !== undefined && /^[1-9][0-9]{0,2}$/.test(attempt) ? Number(attempt) : undefined;
}

/** After a failed attempt: try again later, or give up and raise an incident. */
export function afterFailedRefund(attempt: number): { retry: true; attempt: number; delaySeconds: number } | { retry: false } {
  if (attempt >= MAX_REFUND_ATTEMPTS) return { retry: false };
  return { retry: true, attempt: attempt + 1, delaySeconds: refundRetryDelaySeconds(attempt + 1) };
}
