import type { OrderStatus } from '@shop/domain';
import type { ByUserKey } from './cursor';
import type { OrderRecord, PaymentOutcome } from './order-record';

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
  /** Notes that the checkout execution was started. */
  markCheckoutStarted(orderId: string, now: Date): Promise<void>;
  /**
   * PENDING → AWAITING_PAYMENT (or, on a retry, AWAITING_PAYMENT again) with the task token and
   * the time the payment is due; `false` when the order is in neither status or does not exist.
   */
  awaitPayment(orderId: string, wait: { taskToken: string; paymentDueAt: string; now: Date }): Promise<boolean>;
  /**
   * Records the payment's outcome while the order is AWAITING_PAYMENT and no outcome is recorded
   * yet; answers the updated order, or `undefined` when that condition does not hold.
   */
  recordPayment(orderId: string, payment: { eventId: string; outcome: PaymentOutcome; messageId: string; now: Date }): Promise<OrderRecord | undefined>;
  /** Forgets a task token whose outcome was reported, unless a newer token replaced it. */
  clearTaskToken(orderId: string, taskToken: string): Promise<void>;
  /** Applies a status move; answers the updated order, or `undefined` when the order was no longer in `from`. */
  move(orderId: string, move: StatusMove): Promise<OrderRecord | undefined>;
  /** A user's orders, newest first. */
  listByUser(userId: string, page: { limit: number; startKey?: ByUserKey }): Promise<OrderPageResult>;
}
