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
 * How much of the payment window comes after the customer's deadline (`paymentDueAt`): a minute, or
 * a fifth of a short window. WaitForPayment times out when the whole window has passed, counted
 * from before this step ran; a charge claimed just before `paymentDueAt` still has this long to be
 * confirmed (process-payment runs up to 15 s, then the provider's webhook, the payment-events queue
 * and SendTaskSuccess). Without it the deadline the customer was shown was the instant the checkout
 * stopped waiting, and a payment made in its last seconds was always refused by the checkout and
 * refunded.
 */
export function confirmationGraceSeconds(paymentWindowSeconds: number): number {
  return Math.min(60, Math.floor(paymentWindowSeconds / 5));
}

/**
 * The WaitForPayment step: stores the task token while no payment outcome is recorded, and when the
 * payment is due: the window less its confirmation grace. A step that Step Functions retried after
 * the outcome was recorded (and reported to the old token, which the retry killed) must not replace
 * the token, or the execution would wait for nothing until its window expired and the paid order
 * would be refunded: it reports the recorded outcome itself.
 */
export async function awaitPayment(deps: AwaitPaymentDeps, request: AwaitPaymentRequest): Promise<void> {
  const { orders, log } = deps;
  const now = deps.now();
  const claimSeconds = request.paymentWindowSeconds - confirmationGraceSeconds(request.paymentWindowSeconds);
  const paymentDueAt = new Date(now.getTime() + claimSeconds * 1000).toISOString();
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
