import { invokeHandler } from '@shop/common';
import { AwaitPaymentRequest } from '@shop/domain';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { IllegalTransitionError, OrderCancelledError, OrderMissingError } from '../domain/errors';

const orders = dynamoOrderRepository();

/**
 * Checkout step WaitForPayment (`.waitForTaskToken`): the order becomes AWAITING_PAYMENT and keeps
 * the task token until update-order-status (or a cancel) resumes the execution with it. A retry
 * of the step brings a new token, which replaces the old one. What this returns is ignored.
 */
export const handler = invokeHandler(AwaitPaymentRequest, async ({ payload, log }): Promise<void> => {
  const now = new Date();
  const paymentDueAt = new Date(now.getTime() + payload.paymentWindowSeconds * 1000).toISOString();
  const waiting = await orders.awaitPayment(payload.orderId, { taskToken: payload.taskToken, paymentDueAt, now });
  if (waiting) {
    log.info({ orderId: payload.orderId, paymentDueAt }, 'order awaiting payment');
    return;
  }
  const order = await orders.get(payload.orderId);
  if (!order) throw new OrderMissingError(payload.orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  throw new IllegalTransitionError(order.orderId, order.status, 'AWAITING_PAYMENT');
});
