import { Order, orderPayment, type Money, type OrderCharge, type OrderLine } from '@shop/contracts';

/** The outcome of the payment as the provider reported it, recorded once per order. */
export type PaymentOutcome = 'SUCCEEDED' | 'FAILED';

/**
 * An order as the table stores it: the API's Order plus attributes that only the checkout
 * uses. None of them ever reaches a client (see `toOrder`).
 */
export interface OrderRecord extends Order {
  /** Follows the order through the state machine, invokes and queue messages. */
  correlationId: string;
  /**
   * When the checkout execution was started, so that a retried POST /orders does not start it
   * twice. Noted before the cart is touched, and only while the order was not closed: the check of
   * an unstarted order (checkout-start-check.ts) closes it only while this is absent.
   */
  checkoutStartedAt?: string;
  /** When create-order's work after the start was done: the ordered lines taken out of the cart, analytics told. */
  cartClearedAt?: string;
  /** The WaitForPayment task token, while the state machine waits for the payment. */
  taskToken?: string;
  /** The provider event that decided the payment; a second event for the order changes nothing. */
  paymentEventId?: string;
  paymentOutcome?: PaymentOutcome;
  /**
   * The queue message that recorded the payment: only a redelivery of that very message
   * reports it again (its first report failed); a duplicate event in another message does not.
   */
  paymentMessageId?: string;
  /** The charge whose outcome decided the payment (with `paymentEventId`). */
  chargeId?: string;
  /** Why the decisive charge failed, as the provider said: reported again to a retried WaitForPayment. */
  paymentFailureReason?: string;
  /** A charge was submitted for the order (begin-payment); it holds the order for its payment method until it expires. */
  paymentAttempt?: PaymentAttempt;
  /** Every charge that succeeded for the order, by charge id: the one that pays it, and any that must be given back. */
  charges?: Record<string, OrderCharge>;
}

export interface PaymentAttempt {
  paymentMethod: string;
  startedAt: string;
  /** After this another payment method may be tried (the provider still refuses a second charge for the order). */
  expiresAt: string;
}

/** How long a submitted charge holds the order for its payment method: longer than process-payment may run. */
export const PAYMENT_ATTEMPT_SECONDS = 30;

/** The API's Order from a stored item: the schema keeps its own attributes and drops the internal ones; the money is summed up. */
export function toOrder(record: OrderRecord): Order {
  const payment = orderPayment(record);
  return Order.parse({ ...record, payment });
}

export function paymentSucceeded(record: Pick<OrderRecord, 'paymentOutcome'>): boolean {
  return record.paymentOutcome === 'SUCCEEDED';
}

/** What the transition rules look at. */
export function transitionSubject(record: OrderRecord): { status: OrderRecord['status']; paymentSucceeded: boolean; paymentRecorded: boolean } {
  return { status: record.status, paymentSucceeded: paymentSucceeded(record), paymentRecorded: record.paymentEventId !== undefined };
}

export interface NewOrder {
  orderId: string;
  userId: string;
  cartId: string;
  items: OrderLine[];
  total: Money;
  correlationId: string;
  now: Date;
}

/** A new order: PENDING until the checkout has reserved its stock. */
export function newOrder(order: NewOrder): OrderRecord {
  const timestamp = order.now.toISOString();
  return {
    orderId: order.orderId,
    userId: order.userId,
    cartId: order.cartId,
    status: 'PENDING',
    items: order.items,
    total: order.total,
    correlationId: order.correlationId,
    // Present from the start, so that a charge can be recorded under its id with one nested SET.
    charges: {},
    createdAt: timestamp,
    updatedAt: timestamp,
  };
}
