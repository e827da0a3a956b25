import { Order, type Money, type OrderLine } from '@shop/domain';

/** The outcome of the payment as the provider reported it, recorded once per order. */
export type PaymentOutcome = 'SUCCEEDED' | 'FAILED';

/**
 * An order as the table stores it: the API's Order plus attributes that only the checkout
 * uses. None of them ever reaches a client (see `toOrder`).
 */
export interface OrderRecord extends Order {
  /** Follows the order through the state machine, invokes and queue messages. */
  correlationId: string;
  /** When the checkout execution was started, so that a retried POST /orders does not start it twice. */
  checkoutStartedAt?: string;
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
}

/** The API's Order from a stored item: the schema keeps its own attributes and drops the internal ones. */
export function toOrder(record: OrderRecord): Order {
  return Order.parse(record);
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
    createdAt: timestamp,
    updatedAt: timestamp,
  };
}
