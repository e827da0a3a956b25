import type { Logger } from '@shop/common';
import { Id } from '@shop/contracts';
import * as z from 'zod/mini';
import { OrderMissingError } from './errors';
import type { CheckoutStateMachine } from './checkout-state-machine';
import type { OrderRecord } from './order-record';
import type { OrderRepository } from './order-repository';
import { changeStatus } from './status-change';

/**
 * An order is written PENDING before its checkout starts. When StartExecution keeps failing, or
 * create-order dies in between, the caller gets an error and may retry with its key, which starts
 * the same order's checkout. A caller that never retries would leave the order PENDING for good,
 * holding nothing but showing in the customer's orders as if it were under way. So before the
 * order is written, create-order sends a check for it, delayed by one payment window: if by then
 * the checkout has not started, close-unstarted-order cancels the order. Nothing was reserved or
 * charged: stock is reserved, and payment taken, only by the checkout.
 */
export const CheckoutStartCheck = z.strictObject({ orderId: Id, correlationId: z.string().check(z.minLength(1), z.maxLength(128)) });
export type CheckoutStartCheck = z.output<typeof CheckoutStartCheck>;

/** The reason a closed order gives its customer (in its OrderCancelled event and the message about it). */
export const CHECKOUT_NOT_STARTED = 'the checkout could not start; nothing was reserved or charged';

/** SQS delays a message by at most 15 minutes. */
export const MAX_CHECK_DELAY_SECONDS = 900;

/** How long after the order is written its check comes: one payment window, as long as SQS can delay a message. */
export function checkDelaySeconds(paymentWindowSeconds: number): number {
  return Math.min(paymentWindowSeconds, MAX_CHECK_DELAY_SECONDS);
}

/** Where create-order sends the check of an order it is about to write. */
export interface CheckoutStartChecks {
  send(check: CheckoutStartCheck, delaySeconds: number): Promise<void>;
}

/** `closed`: cancelled now; `started`: its checkout started, nothing to do; `ended`: no longer PENDING; `missing`: the order was never written. */
export type CheckOutcome = 'closed' | 'started' | 'ended' | 'missing';

/**
 * Cancels the order if its checkout never started: neither noted on the order nor an execution of
 * the state machine. The write is conditional on the PENDING status it read and on the start not
 * being noted, and is otherwise the move a customer's cancel makes on a PENDING order. Should a
 * late retry start the checkout in the moment between, either its note of the start comes first
 * (the close then finds the order started and leaves it), or the close does: the retry's note is
 * refused, it leaves the cart alone and answers the closed order, and the execution's first steps
 * find it CANCELLED and end it with its stock released, as after a customer's cancel.
 */
export async function closeUnstartedOrder(
  deps: { orders: OrderRepository; checkout: Pick<CheckoutStateMachine, 'started'>; now: () => Date; log: Logger },
  check: CheckoutStartCheck,
): Promise<CheckOutcome> {
  // The order itself says so, almost always: its checkout started, or it ended.
  const order = await deps.orders.get(check.orderId);
  // The check is sent before the order is written: a write that failed leaves a check with no order.
  if (!order) return 'missing';
  const settled = standing(order);
  if (settled) return settled;
  // create-order notes the start just after StartExecution: a retry of it may have started the
  // execution a moment ago. The execution, named by the order, is the proof.
  if (await deps.checkout.started(check.orderId)) return 'started';
  let outcome: CheckOutcome = 'closed';
  try {
    await changeStatus(deps.orders, check.orderId, {
      to: 'CANCELLED',
      reason: CHECKOUT_NOT_STARTED,
      requireNoPayment: true,
      // A retry of create-order that started the checkout meanwhile notes it before it touches the
      // cart, on the condition that the order is not cancelled: one of the two writes wins.
      requireUnstarted: true,
      now: deps.now(),
      plan: (current: OrderRecord) => {
        const since = standing(current);
        if (!since) return 'move';
        outcome = since;
        return 'already';
      },
    });
  } catch (error) {
    if (error instanceof OrderMissingError) return 'missing';
    throw error;
  }
  if (outcome === 'closed') deps.log.warn({ orderId: check.orderId }, 'order closed: its checkout never started');
  return outcome;
}

/** What an order says of its checkout, when it says anything: started (noted), or ended another way. */
function standing(order: OrderRecord): 'started' | 'ended' | undefined {
  if (order.checkoutStartedAt) return 'started';
  if (order.status !== 'PENDING') return 'ended';
  return undefined;
}

