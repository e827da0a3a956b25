import type { Logger } from '@shop/common';
import { CHECKOUT_ERRORS, type PaymentResultMessage, type PaymentTaskOutput } from '@shop/domain';
import type { CheckoutStateMachine } from './checkout-state-machine';
import type { OrderRecord } from './order-record';
import type { OrderRepository } from './order-repository';
import { isFinal } from './transitions';

/** The longest decline reason handed on to the state machine (it ends up as the order's `reason`). */
export const MAX_REASON_LENGTH = 500;

export interface PaymentResultDeps {
  orders: OrderRepository;
  checkout: CheckoutStateMachine;
  now: () => Date;
  log: Logger;
}

/**
 * What became of a payment result:
 * `reported` – recorded and handed to the waiting checkout;
 * `window-expired` – recorded, but the checkout had stopped waiting (its window expired);
 * `duplicate` – this very event was recorded and reported before;
 * `late` – the order no longer waits for a payment (ended, or another event decided it);
 * `unknown-order` – no such order.
 */
export type PaymentResultHandling = 'reported' | 'window-expired' | 'duplicate' | 'late' | 'unknown-order';

/** The order is not waiting for its payment yet; the message is worth another try later. */
export class NotAwaitingPaymentYetError extends Error {
  override readonly name = 'NotAwaitingPaymentYet';
}

/**
 * Records a payment result on its order exactly once and resumes the checkout that waits for it:
 * SendTaskSuccess for a successful payment, SendTaskFailure(`PaymentDeclined`, reason) for a
 * failed one. Deliveries are at least once, so a repeated event changes nothing. The queue
 * message that recorded the result owns its report: when that report failed, the redelivery of
 * the same message (`messageId`) reports it again.
 */
export async function applyPaymentResult(deps: PaymentResultDeps, message: PaymentResultMessage, messageId: string): Promise<PaymentResultHandling> {
  const { orders, log } = deps;
  let order: OrderRecord | undefined = await orders.recordPayment(message.orderId, {
    eventId: message.providerEventId,
    outcome: message.outcome,
    messageId,
    now: deps.now(),
  });

  if (!order) {
    const current = await orders.get(message.orderId);
    if (!current) {
      log.warn('payment result for an order that does not exist; dropped');
      return 'unknown-order';
    }
    if (current.paymentEventId === message.providerEventId) {
      const unreported = current.taskToken !== undefined && !isFinal(current.status);
      if (!unreported || current.paymentMessageId !== messageId) {
        log.info('payment result already recorded; duplicate dropped');
        return 'duplicate';
      }
      log.warn('payment result recorded but its report did not get through; reporting it again');
      order = current;
    } else {
      if (current.status === 'PENDING') throw new NotAwaitingPaymentYetError(`order ${current.orderId} is not awaiting payment yet`);
      if (message.outcome === 'SUCCEEDED') {
        // Money was taken for an order that no longer waits for it: someone has to refund it.
        log.error({ status: current.status, recordedEventId: current.paymentEventId }, 'successful payment for an order that no longer waits for one: refund needed');
      } else {
        log.warn({ status: current.status, recordedEventId: current.paymentEventId }, 'late payment result; dropped');
      }
      return 'late';
    }
  }

  const taskToken = order.taskToken;
  if (!taskToken) {
    log.warn({ status: order.status }, 'payment recorded, but no checkout waits for it');
    return 'late';
  }
  const report =
    message.outcome === 'SUCCEEDED'
      ? await deps.checkout.succeedTask(taskToken, { outcome: 'SUCCEEDED' } satisfies PaymentTaskOutput)
      : await deps.checkout.failTask(taskToken, CHECKOUT_ERRORS.paymentDeclined, declineReason(message.reason));
  await orders.clearTaskToken(order.orderId, taskToken);
  if (report === 'gone') {
    if (message.outcome === 'SUCCEEDED') log.error('successful payment arrived after the payment window expired: refund needed');
    else log.warn('payment result arrived after the payment window expired');
    return 'window-expired';
  }
  log.info({ outcome: message.outcome }, 'payment result reported to the checkout');
  return 'reported';
}

export function declineReason(reason: string | undefined): string {
  const trimmed = reason?.trim();
  return trimmed ? trimmed.slice(0, MAX_REASON_LENGTH) : 'payment declined';
}
