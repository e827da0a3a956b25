import { invokeHandler } from '@shop/common';
import { BeginPaymentRequest } from '@shop/contracts';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { beginPayment } from '../domain/begin-payment';

const orders = dynamoOrderRepository();

/** Claims an order for one charge (payment-service/process-payment calls it before it charges); see domain/begin-payment.ts. */
export const handler = invokeHandler(BeginPaymentRequest, async ({ payload, log }) => {
  const claim = await beginPayment({ orders, now: () => new Date() }, payload);
  if ('decided' in claim) log.info({ orderId: claim.orderId, outcome: claim.decided.outcome }, 'payment asked again: its charge decided the order already');
  else log.info({ orderId: claim.orderId, paymentDueAt: claim.paymentDueAt }, 'order claimed for a charge');
  return claim;
});
