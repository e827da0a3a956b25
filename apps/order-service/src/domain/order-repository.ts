import type { OrderStatus } from '@shop/contracts';
import type { ByUserKey } from './cursor';
import type { Money, ProviderMoney } from '@shop/contracts';
import type { OrderRecord, PaymentAttempt, PaymentOutcome } from './order-record';

export interface RecordedPayment {
  eventId: string;
  outcome: PaymentOutcome;
  messageId: string;
  chargeId: string;
  /** What the charge took, for a success. */
  amount?: Money;
  /** Why it failed, for a failure. */
  failureReason?: string;
  now: Date;
}

export interface OrderPageResult {
  items: OrderRecord[];
  /** Where the page stopped, when there may be more. */
  lastKey?: ByUserKey;
}

export interface StatusMove {
  from: OrderStatus;
  to: OrderStatus;
  /** Why the order ended CANCELLED or PAYMENT_FAILED. */
  reason?: string;
  /** Also require that no payment result at all is recorded (a customer's cancel). */
  requireNoPayment?: boolean;
  /** Also require that the checkout's start is not noted (the check that closes an unstarted order). */
  requireUnstarted?: boolean;
  now: Date;
}

/**
 * Where orders live. Every status change is a conditional write on the status it moves from
 * (and on the payment guard of the status it moves to), so concurrent writers cannot both win.
 */
export interface OrderRepository {
  get(orderId: string): Promise<OrderRecord | undefined>;
  /** Writes a new order unless its id is taken; answers the order that holds the id afterwards. */
  createIfAbsent(order: OrderRecord): Promise<OrderRecord>;
  /**
   * Notes that the checkout execution was started, unless the order was cancelled before it was
   * noted (closed as unstarted, or by its customer); answers the order, or `undefined` then.
   */
  markCheckoutStarted(orderId: string, now: Date): Promise<OrderRecord | undefined>;
  /** Notes that the ordered lines were taken out of the cart and analytics told. */
  markCartCleared(orderId: string, now: Date): Promise<void>;
  /**
   * PENDING → AWAITING_PAYMENT (or, on a retry, AWAITING_PAYMENT again) with the task token and
   * the time the payment is due, while no payment outcome is recorded; `false` when the order is in
   * neither status, has an outcome recorded, or does not exist.
   */
  awaitPayment(orderId: string, wait: { taskToken: string; paymentDueAt: string; now: Date }): Promise<boolean>;
  /**
   * Claims the order for a charge: only the owner's order, AWAITING_PAYMENT, before its
   * `paymentDueAt`, with no outcome recorded, and with no unexpired attempt of another payment
   * method. Answers the updated order, or `undefined` when that condition does not hold.
   */
  beginPayment(orderId: string, claim: { userId: string; attempt: PaymentAttempt; now: Date }): Promise<OrderRecord | undefined>;
  /**
   * Ends the claim `attempt` names (its payment method and start) on the owner's order while no
   * outcome is recorded; answers whether it did.
   */
  releasePaymentClaim(orderId: string, attempt: { userId: string; paymentMethod: string; startedAt: string; now: Date }): Promise<boolean>;
  /**
   * Records the payment's outcome while the order is AWAITING_PAYMENT and no outcome is recorded
   * yet (a success also records the charge as the one that pays the order); answers the updated
   * order, or `undefined` when that condition does not hold.
   */
  recordPayment(orderId: string, payment: RecordedPayment): Promise<OrderRecord | undefined>;
  /**
   * Records the decline of the charge an order that ended unpaid (CANCELLED, PAYMENT_FAILED) had
   * under way, so that its payment reads DECLINED rather than PROCESSING for good. Only when no
   * outcome was recorded; `undefined` when that condition does not hold. Moves no status.
   */
  recordLateDecline(orderId: string, decline: { eventId: string; chargeId: string; messageId: string; failureReason: string; now: Date }): Promise<OrderRecord | undefined>;
  /**
   * Records a succeeded charge that cannot pay the order, with its refund PENDING (order-events
   * then asks payment-service for the refund). A charge already recorded is left as it is.
   */
  recordChargeToRefund(orderId: string, charge: { chargeId: string; amount: ProviderMoney; reason: string; now: Date }): Promise<OrderRecord | undefined>;
  /**
   * The charge that was recorded as paying the order will not: the order ended unpaid. It is marked
   * to be refunded (PENDING), once; answers the order after the change.
   */
  refundRecordedCharge(orderId: string, charge: { chargeId: string; reason: string; now: Date }): Promise<OrderRecord | undefined>;
  /** The provider's final word on a refund; a SUCCEEDED refund is never changed again. A charge the order did not know is recorded with it. */
  recordRefundOutcome(orderId: string, refund: { chargeId: string; amount: ProviderMoney; outcome: 'SUCCEEDED' | 'FAILED'; reason: string; now: Date }): Promise<OrderRecord | undefined>;
  /** Forgets a task token whose outcome was reported, unless a newer token replaced it. */
  clearTaskToken(orderId: string, taskToken: string): Promise<void>;
  /** Applies a status move; answers the updated order, or `undefined` when the order was no longer in `from`. */
  move(orderId: string, move: StatusMove): Promise<OrderRecord | undefined>;
  /** A user's orders, newest first. */
  listByUser(userId: string, page: { limit: number; startKey?: ByUserKey }): Promise<OrderPageResult>;
}
