import type { Logger } from '@shop/common';
import type { ChargeOutcome } from './payment-record';

/** The payment provider, as process-payment needs it. */
export interface PaymentProvider {
  /**
   * Charges once per order (the order id is the idempotency key, so a retry can never charge
   * twice). Resolves with the provider's answer; rejects with one of the errors below.
   */
  charge(request: ChargeRequest, options: ChargeOptions): Promise<ChargeResult>;
  /**
   * Asks for a charge to be given back, whole. `idempotencyKey` names the attempt: asking again with
   * it is the same refund. Resolves with the provider's answer (a refund is `pending` until its
   * webhook); rejects with one of the errors below.
   */
  refund(request: RefundAsk, options: ChargeOptions): Promise<RefundAnswer>;
  /**
   * The provider's own account of a charge's money: what it took, and what its succeeded refunds
   * gave back, however they were made (the shop's, or an operator's in the dashboard). Rejects
   * with one of the errors below.
   */
  chargeRefunds(chargeId: string, options: ChargeOptions): Promise<ChargeRefunds>;
}

export interface ChargeRefunds {
  chargeId: string;
  /** Currency in upper case, as the shop writes it. */
  amount: { amount: number; currency: string };
  refunded: { amount: number; currency: string };
}

export interface RefundAsk {
  chargeId: string;
  idempotencyKey: string;
  /** The shop's attempt, written into the refund's metadata (`refundAttempt`), which its webhooks echo. */
  attempt: number;
  reason: string;
  orderId: string;
  correlationId?: string;
}

export interface RefundAnswer {
  refundId: string;
  status: 'pending' | 'succeeded' | 'failed';
  amount: number;
  currency: string;
  failureReason?: string;
}

export interface ChargeRequest {
  orderId: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  /** The order's correlation id: the provider echoes it in its webhooks, so the order is followed through them. */
  correlationId?: string;
}

export interface ChargeOptions {
  /** Epoch ms by which the last attempt must be over: the function's own deadline, less room to answer. */
  deadline: number;
  log?: Logger;
}

export interface ChargeResult extends ChargeOutcome {
  /** Requests it took, retries included. */
  attempts: number;
}

/** The provider did not answer usefully (5xx, network, timeout) on any attempt: try again later. */
export class PaymentProviderUnavailableError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastProblem: string,
  ) {
    super(`The payment provider did not answer after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${lastProblem}`);
    this.name = 'PaymentProviderUnavailableError';
  }
}

/**
 * The provider kept answering 409 `idempotency_key_in_use` until the attempts ran out: another
 * request with the same key (for a charge, the order id) is still in progress at the provider, so
 * the provider is busy with this very request, not down. A charge answers that the payment is in
 * progress; a refund, which only the refunds queue retries, takes it as any unanswered request.
 */
export class PaymentProviderBusyError extends PaymentProviderUnavailableError {
  constructor(attempts: number, lastProblem: string) {
    super(attempts, lastProblem);
    this.name = 'PaymentProviderBusyError';
  }
}

/**
 * A refusal of the shop's credentials (401, 403), not of the request: it heals (a key being
 * rotated is read anew within 5 minutes), so the request is worth asking again later.
 */
export function refusesCredentials(error: PaymentProviderRejectedError): boolean {
  return error.providerStatus === 401 || error.providerStatus === 403;
}

/** The provider refused the request (4xx); retrying the same request cannot help. */
export class PaymentProviderRejectedError extends Error {
  constructor(
    readonly providerStatus: number,
    readonly providerMessage: string,
    readonly attempts: number,
    /** The provider's own error code (`charge_already_refunded`), when it gave one. */
    readonly providerCode?: string,
  ) {
    super(`The payment provider refused the request (${providerStatus}): ${providerMessage}`);
    this.name = 'PaymentProviderRejectedError';
  }
}
