import { NamedError } from '@shop/common';
import {
  type BeginPaymentRequest,
  type BeginPaymentResponse,
  PAYMENT_CLAIM_ERRORS,
  type PaymentDecided,
  type ReleasePaymentClaimRequest,
  type ReleasePaymentClaimResponse,
} from '@shop/contracts';
import { type OrderRecord, PAYMENT_ATTEMPT_SECONDS } from './order-record';
import type { OrderRepository } from './order-repository';

export interface BeginPaymentDeps {
  orders: OrderRepository;
  now: () => Date;
}

/**
 * Claims an order for a charge before payment-service asks the provider for it (docs/payments.md):
 * one conditional write on the order, so that a charge is only ever made for the caller's own
 * order, while it awaits payment, before its payment window closes, with no outcome recorded and no
 * charge of another payment method in flight. When the claim is refused, the order as it is says
 * why, as a named error process-payment answers with a 404 or a 409; or, when this payment
 * method's charge decided it, with that outcome (`decided`), which process-payment answers as the
 * request's own.
 */
export async function beginPayment(deps: BeginPaymentDeps, request: BeginPaymentRequest): Promise<BeginPaymentResponse> {
  const now = deps.now();
  const attempt = {
    paymentMethod: request.paymentMethod,
    startedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + PAYMENT_ATTEMPT_SECONDS * 1000).toISOString(),
  };
  const claimed = await deps.orders.beginPayment(request.orderId, { userId: request.userId, attempt, now });
  if (claimed?.paymentDueAt) {
    return { orderId: claimed.orderId, amount: claimed.total, correlationId: claimed.correlationId, paymentDueAt: claimed.paymentDueAt, claimedAt: attempt.startedAt };
  }

  const order = await deps.orders.get(request.orderId);
  // Another user's order looks exactly like one that does not exist.
  if (!order || order.userId !== request.userId) throw new NamedError(PAYMENT_CLAIM_ERRORS.orderNotFound, `Order ${request.orderId} not found`);
  const decided = decidedBy(order, request.paymentMethod);
  if (decided) return { orderId: order.orderId, decided };
  if (order.status !== 'AWAITING_PAYMENT') {
    throw new NamedError(PAYMENT_CLAIM_ERRORS.orderNotPayable, `Order is ${order.status}; only an order that is AWAITING_PAYMENT can be paid`);
  }
  if (!order.paymentDueAt || order.paymentDueAt <= now.toISOString()) {
    throw new NamedError(PAYMENT_CLAIM_ERRORS.paymentWindowClosed, `The payment window of the order closed at ${order.paymentDueAt ?? 'its start'}`);
  }
  throw new NamedError(
    PAYMENT_CLAIM_ERRORS.paymentInProgress,
    order.paymentEventId ? 'The payment of this order is already decided' : 'A payment with another payment method is in progress for this order',
  );
}

/**
 * Ends a claim whose charge the provider refused without making one (release-payment-claim), so
 * that another payment method may be tried at once instead of after PAYMENT_ATTEMPT_SECONDS. Only
 * that very claim (its payment method and its time) on the caller's order, and only while no
 * outcome is recorded: a newer claim, or a claim whose charge was made, stands.
 */
export async function releasePaymentClaim(deps: BeginPaymentDeps, request: ReleasePaymentClaimRequest): Promise<ReleasePaymentClaimResponse> {
  const released = await deps.orders.releasePaymentClaim(request.orderId, {
    userId: request.userId,
    paymentMethod: request.paymentMethod,
    startedAt: request.claimedAt,
    now: deps.now(),
  });
  return { released };
}

/**
 * The outcome this payment method's charge gave the order, when it decided it: the order is paid by
 * it (or its success is recorded, MarkPaid to come), or failed by its decline. A claim with the
 * method that charged is the same request sent again (its answer was lost), and is answered with
 * that outcome. An order that ended otherwise (its window closed, cancelled; a late charge then
 * refunded) has no outcome recorded, and is refused as before.
 */
function decidedBy(order: OrderRecord, paymentMethod: string): PaymentDecided['decided'] | undefined {
  const { paymentEventId, paymentOutcome, chargeId, paymentAttempt, status } = order;
  if (!paymentEventId || !paymentOutcome || !chargeId || paymentAttempt?.paymentMethod !== paymentMethod) return undefined;
  const paid = paymentOutcome === 'SUCCEEDED' && (status === 'PAID' || status === 'AWAITING_PAYMENT');
  const declined = paymentOutcome === 'FAILED' && (status === 'PAYMENT_FAILED' || status === 'AWAITING_PAYMENT');
  if (!paid && !declined) return undefined;
  return { outcome: paymentOutcome, chargeId, ...(declined && order.paymentFailureReason ? { reason: order.paymentFailureReason } : {}) };
}
