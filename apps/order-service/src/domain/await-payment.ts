import type { Logger } from '@shop/common';
import { type AwaitPaymentRequest, CHECKOUT_ERRORS, type PaymentTaskOutput } from '@shop/contracts';
import type { CheckoutStateMachine } from './checkout-state-machine';
import { IllegalTransitionError, OrderCancelledError, OrderMissingError } from './errors';
import type { OrderRepository } from './order-repository';
import { declineReason } from './payment-result';

export interface AwaitPaymentDeps {
  orders: OrderRepository;
  checkout: CheckoutStateMachine;
  now: () => Date;
  log: Logger;
}

/**
 * The WaitForPayment step: stores the task token while no payment outcome is recorded. A step that
 * Step Functions retried after the outcome was recorded (and reported to the old token, which the
 * retry killed) must not replace the token, or the execution would wait for nothing until its
 * window expired and the paid order would be refunded: it reports the recorded outcome itself.
 */
export async function awaitPayment(deps: AwaitPaymentDeps, request: AwaitPaymentRequest): Promise<void> {
  const { orders, log } = deps;
  const now = deps.now();
  const paymentDueAt = new Date(now.getTime() + request.paymentWindowSeconds * 1000).toISOString();
  if (await orders.awaitPayment(request.orderId, { taskToken: request.taskToken, paymentDueAt, now })) {
    log.info({ orderId: request.orderId, paymentDueAt }, 'order awaiting payment');
    return;
  }
  const order = await orders.get(request.orderId);
  if (!order) throw new OrderMissingError(request.orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  if (order.status === 'AWAITING_PAYMENT' && order.paymentOutcome) {
    const report =
      order.paymentOutcome === 'SUCCEEDED'
        ? await deps.checkout.succeedTask(request.taskToken, { outcome: 'SUCCEEDED' } satisfies PaymentTaskOutput)
        : await deps.checkout.failTask(request.taskToken, CHECKOUT_ERRORS.paymentDeclined, declineReason(order.paymentFailureReason));
    log.warn({ orderId: order.orderId, outcome: order.paymentOutcome, report }, 'payment outcome was recorded before this retried step: reported with its token');
    return;
  }
  throw new IllegalTransitionError(order.orderId, order.status, 'AWAITING_PAYMENT');
}
