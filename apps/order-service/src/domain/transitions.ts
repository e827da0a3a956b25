import type { OrderStatus } from '@shop/contracts';

/**
 * The order status machine. Every write of a status is conditional on the status it moves
 * from, so a late or repeated message can never move an order back.
 *
 * PENDING → AWAITING_PAYMENT | CANCELLED; AWAITING_PAYMENT → PAID | PAYMENT_FAILED | CANCELLED.
 * PAID, CANCELLED and PAYMENT_FAILED are final.
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['AWAITING_PAYMENT', 'CANCELLED'],
  AWAITING_PAYMENT: ['PAID', 'PAYMENT_FAILED', 'CANCELLED'],
  PAID: [],
  CANCELLED: [],
  PAYMENT_FAILED: [],
};

export const FINAL_STATUSES: readonly OrderStatus[] = ['PAID', 'CANCELLED', 'PAYMENT_FAILED'];

export function isFinal(status: OrderStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/**
 * What a move into a status needs of the recorded payment, besides the status it comes from:
 * PAID only with a successful payment on record. An order whose payment succeeded may still end
 * CANCELLED or PAYMENT_FAILED (its checkout failed before the success was reported, or its window
 * expired first), and finalize-order then marks the payment to be refunded: money is never kept for
 * an order that was not completed. A customer's own cancel is stricter (`requireNoPayment`).
 */
export type PaymentGuard = 'payment-succeeded';

export function paymentGuard(to: OrderStatus): PaymentGuard | undefined {
  return to === 'PAID' ? 'payment-succeeded' : undefined;
}

/** The order as far as a transition cares: its status and whether a successful payment is recorded. */
export interface TransitionSubject {
  status: OrderStatus;
  paymentSucceeded: boolean;
}

/**
 * `move`: write the new status (conditionally on the current one); `already`: the order is
 * there, nothing to do (a retry); `illegal`: refused.
 */
export type TransitionPlan = 'move' | 'already' | 'illegal';

export function planTransition(order: TransitionSubject, to: OrderStatus): TransitionPlan {
  if (order.status === to) return 'already';
  if (!TRANSITIONS[order.status].includes(to)) return 'illegal';
  if (paymentGuard(to) === 'payment-succeeded' && !order.paymentSucceeded) return 'illegal';
  return 'move';
}

/**
 * The checkout's own ending (Finalize): like `planTransition`, but a failure ending that finds the
 * order already ended by another failure (the customer cancelled while the payment window
 * expired) is `superseded`: the first ending stands and the checkout is done. PAID is never
 * superseded, nor does anything supersede it.
 */
export type FinalizationPlan = TransitionPlan | 'superseded';

export function planFinalization(order: TransitionSubject, to: OrderStatus): FinalizationPlan {
  const plan = planTransition(order, to);
  const failureEnding = (status: OrderStatus) => status === 'CANCELLED' || status === 'PAYMENT_FAILED';
  if (plan === 'illegal' && failureEnding(order.status) && failureEnding(to)) return 'superseded';
  return plan;
}

/**
 * A customer may cancel while the order is PENDING or AWAITING_PAYMENT and the provider has
 * not decided the payment yet: once a payment result is recorded, the checkout is already
 * ending the order one way or the other.
 */
export function isCancellableByCustomer(order: TransitionSubject & { paymentRecorded: boolean }): boolean {
  return !order.paymentRecorded && planTransition(order, 'CANCELLED') === 'move';
}
