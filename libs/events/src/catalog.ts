import { Money, OrderLine, OrderPayment, OrderStatus, ProviderMoney } from '@shop/contracts';
import * as z from 'zod/mini';
import { defineEvent, type EventDefinition } from './envelope';

/**
 * The event catalog, version 1. A breaking change to a detail schema is a new version of
 * the event (published side by side until every consumer has moved), never an edit here.
 */
export const UserRegistered = defineEvent({
  type: 'UserRegistered',
  version: 1,
  source: 'shop.users',
  description: 'A customer account was created.',
  detail: z.object({ userId: z.string(), email: z.string() }),
});

const OrderRef = {
  orderId: z.uuid(),
  userId: z.string(),
};

/** What was ordered and for how much: the detail of OrderCreated and OrderPaid. */
const OrderContents = z.object({ ...OrderRef, items: z.array(OrderLine).check(z.minLength(1)), total: Money });

export const OrderCreated = defineEvent({
  type: 'OrderCreated',
  version: 1,
  source: 'shop.orders',
  description: 'A customer placed an order; checkout has started.',
  detail: OrderContents,
});

export const OrderPaid = defineEvent({
  type: 'OrderPaid',
  version: 1,
  source: 'shop.orders',
  description: 'Payment was captured and stock committed.',
  detail: OrderContents,
});

/**
 * The order's money when it ended unpaid: absent when no payment was ever attempted (nothing was
 * charged); otherwise what was taken, and whether it is on its way back. Optional, so version 1
 * consumers that do not read it are unaffected.
 */
const EndedUnpaid = { ...OrderRef, reason: z.string(), payment: z.optional(OrderPayment) };

export const OrderCancelled = defineEvent({
  type: 'OrderCancelled',
  version: 1,
  source: 'shop.orders',
  description: 'The order was cancelled (by the customer or for lack of stock); reserved stock was released.',
  detail: z.object({ ...EndedUnpaid, previousStatus: OrderStatus }),
});

export const OrderPaymentFailed = defineEvent({
  type: 'OrderPaymentFailed',
  version: 1,
  source: 'shop.orders',
  description: 'Payment was declined or its window expired; reserved stock was released.',
  detail: z.object(EndedUnpaid),
});

export const OrderRefunded = defineEvent({
  type: 'OrderRefunded',
  version: 1,
  source: 'shop.orders',
  description: 'Money taken for an order that it did not pay for (cancelled, expired, or paid twice) was given back.',
  detail: z.object({ ...OrderRef, chargeId: z.string(), amount: ProviderMoney, reason: z.string() }),
});

/** Every event of an order's life, in the order they can happen: what order-events publishes. */
export const ORDER_EVENTS = [OrderCreated, OrderPaid, OrderCancelled, OrderPaymentFailed, OrderRefunded] as const;

/**
 * Operator incidents of the payment: money that needs a person. Raised by payment-service, alarmed
 * in infra (metric `RefundFailed` / `PaymentMismatch` / `UnknownCharge` / `UnknownRefund` in namespace `Shop`).
 */
export const RefundFailed = defineEvent({
  type: 'RefundFailed',
  version: 1,
  source: 'shop.payments',
  description: 'A refund kept failing after its retries: the money is still with the shop and a person must return it.',
  detail: z.object({ orderId: z.uuid(), chargeId: z.string(), amount: ProviderMoney, attempts: z.int().check(z.minimum(1)), reason: z.string() }),
});

export const PaymentMismatch = defineEvent({
  type: 'PaymentMismatch',
  version: 1,
  source: 'shop.payments',
  description: "A signed provider event did not match the charge the shop made for its order (amount, currency or charge id); it paid nothing.",
  detail: z.object({
    orderId: z.uuid(),
    providerEventId: z.string(),
    chargeId: z.string(),
    problems: z.array(z.string()).check(z.minLength(1)),
    /** What the event said; refunded when it took money. */
    received: ProviderMoney,
    expected: z.optional(Money),
  }),
});

export const UnknownCharge = defineEvent({
  type: 'UnknownCharge',
  version: 1,
  source: 'shop.payments',
  description:
    "A signed charge that names no order of the shop: taken with the shop's key outside the checkout (a leaked key, or another system on the same account). It pays nothing and is not refunded, since it may not be the shop's to give back: a person must look.",
  detail: z.object({
    providerEventId: z.string(),
    chargeId: z.string(),
    /** What the charge took. */
    received: ProviderMoney,
  }),
});

export const UnknownRefund = defineEvent({
  type: 'UnknownRefund',
  version: 1,
  source: 'shop.payments',
  description:
    "A refund the shop never asked for, of a charge that paid one of its orders: made in the provider's dashboard, or with a leaked key. The money is back with the customer while the order may still be PAID (and ship): a person must look.",
  detail: z.object({
    orderId: z.uuid(),
    providerEventId: z.string(),
    chargeId: z.string(),
    refundId: z.string(),
    /** What the refund gave back. */
    refunded: ProviderMoney,
  }),
});

export const PAYMENT_INCIDENTS = [RefundFailed, PaymentMismatch, UnknownCharge, UnknownRefund] as const;

export const EVENT_CATALOG = [UserRegistered, ...ORDER_EVENTS, ...PAYMENT_INCIDENTS] as const satisfies readonly EventDefinition[];
