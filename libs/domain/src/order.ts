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
  status: OrderStatus,
  items: z.array(OrderLine).min(1),
  total: Money,
  reason: z.string().optional(),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
});
export type Order = z.infer<typeof Order>;
