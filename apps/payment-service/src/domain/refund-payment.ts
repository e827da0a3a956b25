import type { Logger } from '@shop/common';
import type { RefundRequest } from '@shop/contracts';
import type { PaymentProvider, RefundAnswer } from './payment-provider';
import { PaymentProviderRejectedError, refusesCredentials } from './payment-provider';
import { type ProviderEventDeps, settleFailedAttempt, settleFromCharge } from './provider-events';
import { planRefund, type RefundRecord, refundIdempotencyKey } from './refund-record';

export interface RefundPaymentDeps extends Pick<ProviderEventDeps, 'queues' | 'incidents'> {
  refunds: Pick<ProviderEventDeps['refunds'], 'settle'> & {
    open(request: RefundRequest, now: Date): Promise<RefundRecord>;
    markPending(chargeId: string, attempt: number, refundId: string, now: Date): Promise<boolean>;
    /** This attempt was refused outright: REQUESTED → FAILED, so that the next attempt may begin. */
    refuse(chargeId: string, attempt: number, failureReason: string, now: Date): Promise<boolean>;
  };
  provider: Pick<PaymentProvider, 'refund' | 'chargeRefunds'>;
  /** Epoch ms by which the provider call must be over. */
  deadline: () => number;
  now: () => Date;
  log: Logger;
}

/** The last attempt's failure is not recorded yet; the request comes back later (SQS redelivers it). */
export class RefundNotReadyError extends Error {
  override readonly name = 'RefundNotReady';
}

/** The provider's answer when nothing is left of the charge to refund (its refunds, whoever made them, hold all of it). */
const ALREADY_REFUNDED = 'charge_already_refunded';

/**
 * `asked`: the provider took this attempt (its webhook decides it); `done`: nothing to ask
 * (refunded already, by the provider's account too, under way, or a stale request); `refused`: the provider refused the attempt
 * outright, so no webhook will come: it counts as a failed attempt (asked again later, or an
 * incident once the attempts are spent).
 */
export type RefundPaymentHandling = { kind: 'asked'; answer: RefundAnswer } | { kind: 'done'; status: RefundRecord['status'] } | { kind: 'refused'; reason: string };

/**
 * Gives a charge back, at most once (docs/payments.md): the charge's one refund record decides
 * whether this request asks the provider at all, and the attempt's idempotency key makes a repeated
 * ask the same refund. A provider that does not answer is retried by the queue.
 */
export async function refundPayment(deps: RefundPaymentDeps, request: RefundRequest): Promise<RefundPaymentHandling> {
  const record = await deps.refunds.open(request, deps.now());
  const plan = planRefund(record, request);
  if (plan === 'wait') throw new RefundNotReadyError(`attempt ${request.attempt} of the refund of ${request.chargeId} waits for attempt ${record.attempt} to be decided`);
  if (plan === 'done') return { kind: 'done', status: record.status };

  let answer: RefundAnswer;
  try {
    answer = await deps.provider.refund(
      {
        chargeId: request.chargeId,
        idempotencyKey: refundIdempotencyKey(request.chargeId, request.attempt),
        attempt: request.attempt,
        reason: request.reason,
        orderId: request.orderId,
        ...(request.correlationId && { correlationId: request.correlationId }),
      },
      { deadline: deps.deadline(), log: deps.log },
    );
  } catch (error) {
    if (!(error instanceof PaymentProviderRejectedError)) throw error;
    // 401 and 403 refuse the shop's credentials, not the refund (a key being rotated: each function
    // reads it anew within 5 minutes): no attempt was made, so none is spent; the queue asks again
    // later, and a refusal that lasts past its receives waits in the alarmed dead-letter queue.
    if (refusesCredentials(error)) throw error;
    const key = refundIdempotencyKey(request.chargeId, request.attempt);
    if (error.providerCode === ALREADY_REFUNDED) {
      // Someone gave the money back first (an operator, in the dashboard). Done when the provider's
      // account of the charge says all of it is back; while a refund is still pending there, the
      // request comes back later, when that refund is decided (and, if it failed, is asked for).
      const settled = await settleFromCharge(deps, record, { refundId: key, providerEventId: key }, request.correlationId ?? request.chargeId);
      if (settled.kind === 'settled') return { kind: 'done', status: 'SUCCEEDED' };
      throw new RefundNotReadyError(
        `the provider has nothing left to refund of ${request.chargeId}, but only ${settled.refunded.amount} of ${settled.charged.amount} is back: a refund is pending there`,
      );
    }
    const reason = `${error.providerCode ?? error.providerStatus}: ${error.providerMessage}`;
    // Settled before it is noted, as the webhook does: if noting fails, the redelivered request is
    // refused again and settles again, and the next attempt waits until this one is noted.
    await settleFailedAttempt(deps, record, { refundId: key, why: reason, providerEventId: key }, request.correlationId ?? request.chargeId);
    await deps.refunds.refuse(request.chargeId, request.attempt, reason, deps.now());
    return { kind: 'refused', reason };
  }
  await deps.refunds.markPending(request.chargeId, request.attempt, answer.refundId, deps.now());
  return { kind: 'asked', answer };
}
