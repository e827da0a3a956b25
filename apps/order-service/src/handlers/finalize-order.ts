import { taskHandler } from '@shop/common';
import { FinalizeOrderRequest } from '@shop/contracts';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { IllegalTransitionError } from '../domain/errors';
import { paymentSucceeded, transitionSubject } from '../domain/order-record';
import { refundReason } from '../domain/payment-result';
import { changeStatus } from '../domain/status-change';
import { planFinalization } from '../domain/transitions';

const orders = dynamoOrderRepository();

/** Used when the state machine names no reason for a failure ending. */
const DEFAULT_REASON = 'checkout did not complete';

/**
 * Checkout steps MarkPaid and Finalize: ends the order in PAID, CANCELLED or PAYMENT_FAILED along
 * the transition table. Idempotent: an order already there is fine; one already ended by another
 * failure keeps that ending; any other move is refused with `IllegalTransition` and nothing moves back.
 */
export const handler = taskHandler(FinalizeOrderRequest, async ({ payload, log }) => {
  const to = payload.outcome;
  const reason = to === 'PAID' ? undefined : (payload.reason ?? DEFAULT_REASON);
  const { plan, order } = await changeStatus(orders, payload.orderId, {
    to,
    ...(reason === undefined ? {} : { reason }),
    now: new Date(),
    plan: (current) => planFinalization(transitionSubject(current), to),
  });
  if (plan === 'illegal') throw new IllegalTransitionError(order.orderId, order.status, to);

  // The payment succeeded, yet the order ended unpaid (its window expired while the success was on
  // its way): the charge is marked to be refunded, and order-events asks payment-service for it.
  if (to !== 'PAID' && paymentSucceeded(order) && order.chargeId && !order.charges?.[order.chargeId]?.refund) {
    const reason = refundReason(order);
    const marked = await orders.refundRecordedCharge(order.orderId, { chargeId: order.chargeId, reason, now: new Date() });
    log.warn({ orderId: order.orderId, status: order.status, chargeId: order.chargeId, reason, marked: marked !== undefined }, 'order ended unpaid although its payment succeeded: to be refunded');
  }
  log.info({ orderId: order.orderId, outcome: to, plan, status: order.status, reason: order.reason }, 'order finalized');
  return { orderId: order.orderId, status: order.status };
});
