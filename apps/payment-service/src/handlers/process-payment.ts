import { InvokedFunctionError } from '@shop/aws';
import { HttpError, httpHandler, type Logger } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { PAYMENT_CLAIM_ERRORS, type PaymentClaim, type PaymentDecided, type ProcessPaymentResponse } from '@shop/contracts';
import { dynamoPaymentRepository } from '../adapters/dynamodb-payment-repository';
import { lambdaOrderClaims } from '../adapters/order-claims';
import { paymentProviderClient } from '../adapters/payment-provider-client';
import { PaymentProviderBusyError, PaymentProviderRejectedError, PaymentProviderUnavailableError, refusesCredentials } from '../domain/payment-provider';
import { statusOfCharge } from '../domain/payment-record';
import { service } from '../service';

const route = httpRoute(service, 'process-payment');
const claims = lambdaOrderClaims();
const payments = dynamoPaymentRepository();
const provider = paymentProviderClient();

/** Seconds a client waits before asking again about a charge still running (409 `PAYMENT_IN_PROGRESS`). */
const PAYMENT_IN_PROGRESS_RETRY_AFTER = '2';

/** Kept back from the function's remaining time for recording the charge and answering. */
const ANSWER_RESERVE_MS = 1500;

/**
 * Pays for an order (docs/payments.md): order-service first claims the order for this charge (only
 * the owner's order, AWAITING_PAYMENT, inside its window, nothing else in flight), then what it must
 * cost is noted (so that the provider's webhook can be checked against it), then the provider is
 * charged with the order id as idempotency key, and the charge recorded. The order itself changes
 * only when the provider's webhook confirms.
 */
// The provider's retries must end before the function does: the deadline comes from the Lambda context.
export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, principal, correlationId, log, context }) => {
  const claim = await claims
    .begin({ orderId: body.orderId, userId: principal.userId, paymentMethod: body.paymentMethod }, correlationId)
    .catch((error: unknown) => {
      throw claimErrorToHttp(error);
    });
  // The same request sent again after its answer was lost: this payment method's charge decided the order.
  if ('decided' in claim) {
    log.info({ orderId: claim.orderId, chargeId: claim.decided.chargeId, outcome: claim.decided.outcome }, 'payment resent: answered with the outcome of its charge');
    return { status: 200, body: answerOf(claim) };
  }
  await payments.beginCharge({ orderId: claim.orderId, amount: claim.amount, now: new Date() });

  const charge = await provider
    .charge(
      {
        orderId: claim.orderId,
        amount: claim.amount.amount,
        currency: claim.amount.currency,
        paymentMethod: body.paymentMethod,
        correlationId: claim.correlationId,
      },
      { deadline: Date.now() + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS, log },
    )
    .catch(async (error: unknown) => {
      if (refusedWithoutCharge(error)) await releaseClaim(claim, { userId: principal.userId, paymentMethod: body.paymentMethod }, correlationId, log);
      throw providerErrorToHttp(error, log);
    });

  const status = statusOfCharge(charge);
  const recorded = await payments.recordCharge({
    orderId: claim.orderId,
    chargeId: charge.chargeId,
    status,
    attempts: charge.attempts,
    ...(charge.failureReason ? { reason: charge.failureReason } : {}),
    now: new Date(),
  });
  // The provider answered one idempotency key with two charges: the webhook refuses the second one.
  if (!recorded) log.error({ orderId: claim.orderId, chargeId: charge.chargeId }, 'the order already has another charge recorded');
  log.info({ orderId: claim.orderId, chargeId: charge.chargeId, status, attempts: charge.attempts }, 'payment submitted');

  const answer: ProcessPaymentResponse = {
    orderId: claim.orderId,
    paymentStatus: status,
    ...(charge.failureReason ? { reason: charge.failureReason } : {}),
  };
  return { status: 200, body: answer };
});

/**
 * The provider refused the request itself (400: an unknown or malformed payment method, a request
 * it would not take): no charge was made, and none will be confirmed. A 402 is a decline, whose
 * charge the provider may still report; 401 and 403 refuse the shop's key, not the payment.
 */
function refusedWithoutCharge(error: unknown): boolean {
  return error instanceof PaymentProviderRejectedError && error.providerStatus === 400;
}

/**
 * Ends this request's claim on the order, so that the customer may try another payment method at
 * once rather than be told for 30 seconds that a payment is in progress. A claim from a
 * begin-payment that does not say when it was made (deployed before claims could be released) is
 * left to expire, as is one whose release fails: the refusal is the answer either way.
 */
async function releaseClaim(
  claim: PaymentClaim,
  { userId, paymentMethod }: { userId: string; paymentMethod: string },
  correlationId: string,
  log: Logger,
): Promise<void> {
  if (!claim.claimedAt) return;
  try {
    const { released } = await claims.release({ orderId: claim.orderId, userId, paymentMethod, claimedAt: claim.claimedAt }, correlationId);
    log.info({ orderId: claim.orderId, released }, 'the provider refused the charge without making one: claim released');
  } catch (error) {
    log.warn({ err: error, orderId: claim.orderId }, 'the provider refused the charge, and its claim could not be released: it expires by itself');
  }
}

/** The outcome the order took from this request's own charge, as the route answers it: a decline with its reason. */
function answerOf({ orderId, decided }: PaymentDecided): ProcessPaymentResponse {
  if (decided.outcome === 'SUCCEEDED') return { orderId, paymentStatus: 'SUCCEEDED' };
  return { orderId, paymentStatus: 'DECLINED', ...(decided.reason ? { reason: decided.reason } : {}) };
}

/** Why order-service would not let the order be charged, as the caller should see it. */
function claimErrorToHttp(error: unknown): unknown {
  if (!(error instanceof InvokedFunctionError)) return error;
  switch (error.errorType) {
    case PAYMENT_CLAIM_ERRORS.orderNotFound:
      return new HttpError(404, 'ORDER_NOT_FOUND', 'Order not found');
    case PAYMENT_CLAIM_ERRORS.orderNotPayable:
      return new HttpError(409, 'ORDER_NOT_PAYABLE', error.errorMessage);
    case PAYMENT_CLAIM_ERRORS.paymentWindowClosed:
      return new HttpError(409, 'PAYMENT_WINDOW_CLOSED', `${error.errorMessage}; the order can no longer be paid`);
    case PAYMENT_CLAIM_ERRORS.paymentInProgress:
      // The other method's charge is decided within seconds; the client learns its outcome by asking again.
      return new HttpError(409, 'PAYMENT_IN_PROGRESS', error.errorMessage, undefined, { 'retry-after': PAYMENT_IN_PROGRESS_RETRY_AFTER });
    default:
      return error;
  }
}

/**
 * The provider's failures, as the shop's client should see them: its refusals of the payment
 * (a bad or declined method) are the client's to fix; anything else is ours, or the provider's,
 * and worth retrying later (502).
 */
function providerErrorToHttp(error: unknown, log: Logger): unknown {
  // Checked before Unavailable, which it extends: the provider is busy with this very charge (a resend overtook it).
  if (error instanceof PaymentProviderBusyError) {
    log.warn({ attempts: error.attempts, problem: error.lastProblem }, 'the provider is still working on this charge');
    return new HttpError(409, 'PAYMENT_IN_PROGRESS', 'A payment for this order is still being processed; ask for the order to see its outcome', undefined, {
      'retry-after': PAYMENT_IN_PROGRESS_RETRY_AFTER,
    });
  }
  if (error instanceof PaymentProviderUnavailableError) {
    log.error({ attempts: error.attempts, problem: error.lastProblem }, 'payment provider unavailable');
    return providerUnavailable();
  }
  if (error instanceof PaymentProviderRejectedError) {
    const { providerStatus, providerMessage } = error;
    if (refusesCredentials(error)) {
      log.error({ providerStatus, providerMessage }, 'the payment provider refused our credentials');
      return providerUnavailable();
    }
    if (providerStatus === 409) {
      return new HttpError(409, 'PAYMENT_ALREADY_SUBMITTED', `This order already has a payment in progress: ${providerMessage}`);
    }
    if (providerStatus === 402) return new HttpError(402, 'PAYMENT_REJECTED', `The payment was refused: ${providerMessage}`);
    return new HttpError(400, 'PAYMENT_REJECTED', `The payment provider refused the payment: ${providerMessage}`);
  }
  return error;
}

/** The provider is down or refuses the shop's key (a key being rotated): nothing was charged, and a retry in a few seconds may pass. */
function providerUnavailable(): HttpError {
  return new HttpError(502, 'PAYMENT_PROVIDER_UNAVAILABLE', 'The payment provider is not answering; please try again shortly', undefined, { 'retry-after': '5' });
}
