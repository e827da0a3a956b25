import type { Logger } from '@shop/common';
import { CHECKOUT_ERRORS, type ChargeResultMessage, type PaymentResultMessage, type PaymentTaskOutput, type RefundResultMessage } from '@shop/contracts';
import type { CheckoutStateMachine } from './checkout-state-machine';
import { paymentSucceeded, type OrderRecord } from './order-record';
import type { OrderRepository } from './order-repository';
import { isFinal } from './transitions';

/**
 * How long the message that recorded a payment may still be reporting it: update-order-status's
 * timeout (15 s, apps/order-service/src/service.ts). Its own redelivery reports a failed report
 * again at once; any other message with the same event only after this, which is how a copy that
 * SQS redrove from the dead-letter queue (under a new message id) gets a recorded payment to the
 * waiting checkout, while a duplicate in the same batch does not report it a second time.
 */
export const PAYMENT_REPORT_UNDER_WAY_MS = 15_000;

function reportNoLongerUnderWay(order: OrderRecord, now: Date): boolean {
  // Nothing writes an order awaiting payment after its outcome is recorded but a charge to refund,
  // which only moves `updatedAt` later: the wait is at least as long as it should be.
  return now.getTime() - Date.parse(order.updatedAt) >= PAYMENT_REPORT_UNDER_WAY_MS;
}

/** The longest decline reason handed on to the state machine (it ends up as the order's `reason`). */
export const MAX_REASON_LENGTH = 500;

export interface PaymentResultDeps {
  orders: OrderRepository;
  checkout: CheckoutStateMachine;
  now: () => Date;
  log: Logger;
}

/**
 * What became of a payment-events message (docs/payments.md):
 * `reported` – a charge's outcome was recorded and handed to the waiting checkout;
 * `task-gone` – recorded, but nothing waited for it any more (the window expired, or a retried step
 *   reported it itself): the checkout's ending decides what happens to the money;
 * `to-refund` – money was taken that the order can no longer take (cancelled, expired, already
 *   decided): recorded on the order with its refund PENDING, which order-events turns into a refund request;
 * `duplicate` – this very outcome was recorded before;
 * `dropped` – a failed charge for an order that no longer waits for one: nothing was taken;
 * `refund-recorded` – the provider's final word on a refund, now on the order.
 */
export type PaymentResultHandling = 'reported' | 'task-gone' | 'to-refund' | 'duplicate' | 'dropped' | 'refund-recorded';

/** The order is not waiting for its payment yet; the message is worth another try later. */
export class NotAwaitingPaymentYetError extends Error {
  override readonly name = 'NotAwaitingPaymentYet';
}

/** A successful charge for an order that does not exist: the money must not be dropped, so the message fails (and ends in the dead-letter queue, alarmed). */
export class ChargeForUnknownOrderError extends Error {
  override readonly name = 'ChargeForUnknownOrder';
}

/**
 * Applies one verified message from payment-service to its order, exactly once, whatever order and
 * however often the messages come: deliveries are at least once, and a late or repeated message
 * changes nothing that was decided.
 */
export async function applyPaymentResult(deps: PaymentResultDeps, message: PaymentResultMessage, messageId: string): Promise<PaymentResultHandling> {
  return message.kind === 'refund' ? applyRefundResult(deps, message) : applyChargeResult(deps, message, messageId);
}

/**
 * A charge's outcome: recorded on the order only while it awaits payment and nothing is recorded yet
 * (the first outcome wins), then reported to the waiting checkout: SendTaskSuccess, or
 * SendTaskFailure(`PaymentDeclined`, reason). When that report failed, the message's redelivery reports
 * it again, and so does its copy redriven from the dead-letter queue (`PAYMENT_REPORT_UNDER_WAY_MS`). A successful
 * charge that cannot pay the order is never dropped: it is recorded to be refunded.
 */
async function applyChargeResult(deps: PaymentResultDeps, message: ChargeResultMessage, messageId: string): Promise<PaymentResultHandling> {
  const { orders, log } = deps;
  const succeeded = message.outcome === 'SUCCEEDED';
  let order: OrderRecord | undefined = await orders.recordPayment(message.orderId, {
    eventId: message.providerEventId,
    outcome: message.outcome,
    messageId,
    chargeId: message.chargeId,
    ...(succeeded ? { amount: message.amount } : { failureReason: declineReason(message.reason) }),
    now: deps.now(),
  });

  if (!order) {
    const current = await orders.get(message.orderId);
    if (!current) {
      if (succeeded) throw new ChargeForUnknownOrderError(`charge ${message.chargeId} succeeded for order ${message.orderId}, which does not exist`);
      log.warn('failed charge for an order that does not exist; dropped');
      return 'dropped';
    }
    if (current.paymentEventId === message.providerEventId) {
      const unreported = current.taskToken !== undefined && !isFinal(current.status);
      if (!unreported || !(current.paymentMessageId === messageId || reportNoLongerUnderWay(current, deps.now()))) {
        log.info('payment result already recorded; duplicate dropped');
        return 'duplicate';
      }
      log.warn({ recordedBy: current.paymentMessageId }, 'payment result recorded but its report did not get through; reporting it again');
      order = current;
    } else {
      if (current.status === 'PENDING') throw new NotAwaitingPaymentYetError(`order ${current.orderId} is not awaiting payment yet`);
      if (!succeeded) {
        // The charge an ended order had under way was declined: its payment reads DECLINED, not PROCESSING for good.
        const noted =
          isFinal(current.status) && current.paymentEventId === undefined
            ? await orders.recordLateDecline(current.orderId, {
                eventId: message.providerEventId,
                chargeId: message.chargeId,
                messageId,
                failureReason: declineReason(message.reason),
                now: deps.now(),
              })
            : undefined;
        log.info({ status: current.status, recordedEventId: current.paymentEventId, noted: noted !== undefined }, 'failed charge for an order that no longer waits for one; nothing was taken');
        return 'dropped';
      }
      // The charge's success is on the order already. A success of the charge whose failure was
      // recorded is not: the provider approved it later (or told its outcomes out of order), and
      // the money it took must go back like any other.
      if (current.charges?.[message.chargeId] || (current.chargeId === message.chargeId && paymentSucceeded(current))) {
        log.info({ chargeId: message.chargeId }, 'charge already recorded on the order; duplicate dropped');
        return 'duplicate';
      }
      const reason = refundReason(current);
      const recorded = await orders.recordChargeToRefund(current.orderId, { chargeId: message.chargeId, amount: message.amount, reason, now: deps.now() });
      log.warn({ status: current.status, chargeId: message.chargeId, amount: message.amount, reason, recorded: recorded !== undefined }, 'money taken for an order that cannot take it: to be refunded');
      return recorded ? 'to-refund' : 'duplicate';
    }
  }

  const taskToken = order.taskToken;
  if (!taskToken) {
    log.warn({ status: order.status }, 'payment recorded, but no checkout waits for it');
    return 'task-gone';
  }
  const report = succeeded
    ? await deps.checkout.succeedTask(taskToken, { outcome: 'SUCCEEDED' } satisfies PaymentTaskOutput)
    : await deps.checkout.failTask(taskToken, CHECKOUT_ERRORS.paymentDeclined, declineReason(message.reason));
  await orders.clearTaskToken(order.orderId, taskToken);
  if (report === 'gone') {
    // The checkout's ending (finalize-order) decides the money: an order that ends unpaid with a
    // successful charge recorded has that charge refunded.
    log.warn({ outcome: message.outcome }, 'payment result recorded, but the checkout no longer waited for that token');
    return 'task-gone';
  }
  log.info({ outcome: message.outcome }, 'payment result reported to the checkout');
  return 'reported';
}

/** A refund's final outcome (payment-service retried the failures it could): recorded once on the order's charge. */
async function applyRefundResult(deps: PaymentResultDeps, message: RefundResultMessage): Promise<PaymentResultHandling> {
  const { orders, log } = deps;
  const recorded = await orders.recordRefundOutcome(message.orderId, {
    chargeId: message.chargeId,
    amount: message.amount,
    outcome: message.outcome,
    reason: message.reason ?? 'refund',
    now: deps.now(),
  });
  if (!recorded) {
    const current = await orders.get(message.orderId);
    if (!current) log.error({ chargeId: message.chargeId, outcome: message.outcome }, 'refund result for an order that does not exist');
    else log.info({ chargeId: message.chargeId }, 'refund result already recorded; duplicate dropped');
    return 'duplicate';
  }
  if (message.outcome === 'SUCCEEDED') log.info({ chargeId: message.chargeId, amount: message.amount }, 'refund recorded on the order');
  else log.error({ chargeId: message.chargeId, amount: message.amount }, 'refund failed for good: an operator incident is open');
  return 'refund-recorded';
}

/** Why money taken for this order goes back, in words a customer may read. */
export function refundReason(order: Pick<OrderRecord, 'status' | 'reason' | 'paymentOutcome'>): string {
  switch (order.status) {
    case 'CANCELLED':
      return 'order cancelled';
    case 'PAYMENT_FAILED':
      return order.reason === 'payment window expired' ? 'payment arrived after the payment window' : 'payment of the order had failed';
    case 'PAID':
      return 'order already paid';
    default:
      return order.paymentOutcome === 'SUCCEEDED' ? 'order already paid' : 'payment of the order had failed';
  }
}

export function declineReason(reason: string | undefined): string {
  const trimmed = reason?.trim();
  return trimmed ? trimmed.slice(0, MAX_REASON_LENGTH) : 'payment declined';
}
