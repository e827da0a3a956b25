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
