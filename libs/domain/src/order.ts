import * as z from 'zod';
import { Id, IsoTimestamp } from './ids';
import { Money } from './money';

/** Where an order is in checkout. Moves only along the transitions that order-service allows. */
export const OrderStatus = z.enum(['PENDING', 'AWAITING_PAYMENT', 'PAID', 'CANCELLED', 'PAYMENT_FAILED']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderLine = z.object({
  productId: Id,
  name: z.string(),
  quantity: z.int().min(1),
  unitPrice: Money,
  lineTotal: Money,
});
export type OrderLine = z.infer<typeof OrderLine>;

export const Order = z.object({
  orderId: Id,
  userId: z.string(),
  cartId: Id,
  status: OrderStatus,
  items: z.array(OrderLine).min(1),
  total: Money,
  /** Why the order ended CANCELLED or PAYMENT_FAILED. */
  reason: z.string().optional(),
  /** When the reserved stock is released unless payment has arrived. */
  paymentDueAt: IsoTimestamp.optional(),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
});
export type Order = z.infer<typeof Order>;

/** `Idempotency-Key` header: a client-chosen token, the same for every retry of one checkout. */
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be 8–128 letters, digits, - or _');

export const CreateOrderRequest = z.strictObject({ cartId: Id });
export type CreateOrderRequest = z.infer<typeof CreateOrderRequest>;

export const CreateOrderResponse = z.object({ orderId: Id, status: OrderStatus });
export type CreateOrderResponse = z.infer<typeof CreateOrderResponse>;

export const OrderIdPath = z.strictObject({ orderId: Id });

export const OrderPage = z.object({ items: z.array(Order), nextCursor: z.string().nullable() });
export type OrderPage = z.infer<typeof OrderPage>;

/** Input of the checkout state machine's execution. */
export const CheckoutInput = z.object({
  orderId: Id,
  userId: z.string(),
  correlationId: z.string(),
  paymentWindowSeconds: z.int().min(1),
});
export type CheckoutInput = z.infer<typeof CheckoutInput>;

/*
 * Payloads of order-service's checkout tasks, as the checkout state machine
 * (apps/checkout-orchestrator/src/checkout.asl.json) builds them. `correlationId` travels
 * alongside and is taken out by `invokeHandler`.
 */

/** ValidateOrder: the order to check. */
export const ValidateOrderRequest = z.strictObject({ orderId: Id });
export type ValidateOrderRequest = z.infer<typeof ValidateOrderRequest>;

/** What ValidateOrder hands on to ReserveStock. */
export const ValidateOrderResponse = z.object({
  orderId: Id,
  lines: z.array(z.object({ productId: Id, quantity: z.int().min(1) })).min(1),
});
export type ValidateOrderResponse = z.infer<typeof ValidateOrderResponse>;

/** WaitForPayment (`.waitForTaskToken`): the token to resume the execution with, and the payment window. */
export const AwaitPaymentRequest = z.strictObject({
  orderId: Id,
  taskToken: z.string().min(1).max(8192),
  paymentWindowSeconds: z.int().min(1),
});
export type AwaitPaymentRequest = z.infer<typeof AwaitPaymentRequest>;

/** How a checkout ends; MarkPaid sends PAID, Finalize the outcome of the failure path. */
export const CheckoutOutcome = z.enum(['PAID', 'CANCELLED', 'PAYMENT_FAILED']);
export type CheckoutOutcome = z.infer<typeof CheckoutOutcome>;

/** MarkPaid and Finalize: the status to end the order in, and why when it did not get paid. */
export const FinalizeOrderRequest = z.strictObject({
  orderId: Id,
  outcome: CheckoutOutcome,
  reason: z.string().min(1).max(1000).optional(),
});
export type FinalizeOrderRequest = z.infer<typeof FinalizeOrderRequest>;

/** What the update-order-status function hands the waiting WaitForPayment task on success. */
export const PaymentTaskOutput = z.object({ outcome: z.literal('SUCCEEDED') });
export type PaymentTaskOutput = z.infer<typeof PaymentTaskOutput>;
