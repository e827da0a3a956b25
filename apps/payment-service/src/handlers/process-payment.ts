import type { Context } from 'aws-lambda';
import { HttpError, type HttpEvent, httpHandler, httpRoute, type Logger } from '@shop/common';
import { authorizeRoute } from '@shop/auth';
import type { ProcessPaymentResponse } from '@shop/domain';
import { dynamoOrderReader } from '../adapters/dynamodb-order-reader';
import { dynamoPaymentRepository } from '../adapters/dynamodb-payment-repository';
import { paymentProviderClient } from '../adapters/payment-provider-client';
import { assertPayableBy } from '../domain/payable-order';
import { PaymentProviderRejectedError, PaymentProviderUnavailableError } from '../domain/payment-provider';
import { statusOfCharge } from '../domain/payment-record';
import { service } from '../service';

const route = httpRoute(service, 'process-payment');
const orders = dynamoOrderReader();
const payments = dynamoPaymentRepository();
const provider = paymentProviderClient();

/** Kept back from the function's remaining time for recording the charge and answering. */
const ANSWER_RESERVE_MS = 1500;

// The provider's retries must end before the function does, so the handler needs the Lambda
// context, which the HTTP wrapper does not hand on: the wrapper is built per invocation.
export const handler = (event: HttpEvent, context: Context) =>
  httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, principal, log }) => {
    const order = await orders.get(body.orderId);
    assertPayableBy(order, principal.userId);

    const charge = await provider
      .charge(
        {
          orderId: order.orderId,
          amount: order.total.amount,
          currency: order.total.currency,
          paymentMethod: body.paymentMethod,
          ...(order.correlationId && { correlationId: order.correlationId }),
        },
        { deadline: Date.now() + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS, log },
      )
      .catch((error: unknown) => {
        throw providerErrorToHttp(error, log);
      });

    const status = statusOfCharge(charge);
    await payments.recordCharge({
      orderId: order.orderId,
      chargeId: charge.chargeId,
      status,
      paymentMethod: body.paymentMethod,
      attempts: charge.attempts,
      ...(charge.failureReason ? { reason: charge.failureReason } : {}),
      now: new Date(),
    });
    log.info({ orderId: order.orderId, chargeId: charge.chargeId, status, attempts: charge.attempts }, 'payment submitted');

    const answer: ProcessPaymentResponse = {
      orderId: order.orderId,
      paymentStatus: status,
      ...(charge.failureReason ? { reason: charge.failureReason } : {}),
    };
    return { status: 200, body: answer };
  })(event, context);

/**
 * The provider's failures, as the shop's client should see them: its refusals of the payment
 * (a bad or declined method) are the client's to fix; anything else is ours, or the provider's,
 * and worth retrying later (502).
 */
function providerErrorToHttp(error: unknown, log: Logger): unknown {
  if (error instanceof PaymentProviderUnavailableError) {
    log.error({ attempts: error.attempts, problem: error.lastProblem }, 'payment provider unavailable');
    return new HttpError(502, 'PAYMENT_PROVIDER_UNAVAILABLE', 'The payment provider is not answering; please try again shortly');
  }
  if (error instanceof PaymentProviderRejectedError) {
    const { providerStatus, providerMessage } = error;
    if (providerStatus === 401 || providerStatus === 403) {
      log.error({ providerStatus, providerMessage }, 'the payment provider refused our credentials');
      return new HttpError(502, 'PAYMENT_PROVIDER_UNAVAILABLE', 'The payment provider is not answering; please try again shortly');
    }
    if (providerStatus === 409) {
      return new HttpError(409, 'PAYMENT_ALREADY_SUBMITTED', `This order already has a payment in progress: ${providerMessage}`);
    }
    if (providerStatus === 402) return new HttpError(402, 'PAYMENT_REJECTED', `The payment was refused: ${providerMessage}`);
    return new HttpError(400, 'PAYMENT_REJECTED', `The payment provider refused the payment: ${providerMessage}`);
  }
  return error;
}
