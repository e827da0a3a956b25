import { invokeHandler } from '@shop/common';
import { ReleasePaymentClaimRequest } from '@shop/contracts';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { releasePaymentClaim } from '../domain/begin-payment';

const orders = dynamoOrderRepository();

/** Ends a claim whose charge the provider refused without making one (payment-service/process-payment calls it); see domain/begin-payment.ts. */
export const handler = invokeHandler(ReleasePaymentClaimRequest, async ({ payload, log }) => {
  const answer = await releasePaymentClaim({ orders, now: () => new Date() }, payload);
  log.info({ orderId: payload.orderId, released: answer.released }, answer.released ? 'payment claim released: the provider made no charge' : 'payment claim not released: it was no longer this claim, or an outcome is recorded');
  return answer;
});
