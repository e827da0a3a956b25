import { ConflictError, NotFoundError } from '@shop/common';
import { Order } from '@shop/domain';
import * as z from 'zod';

/** The part of order-service's order that payment reads, with the correlation id the order is followed by. */
export const PayableOrderFields = Order.pick({ orderId: true, userId: true, status: true, total: true }).extend({
  correlationId: z.string().optional(),
});
export type PayableOrderFields = z.infer<typeof PayableOrderFields>;

/**
 * Only the order's owner may pay for it (anyone else gets 404, as if it did not exist, so ids
 * cannot be probed), and only while it awaits payment.
 */
export function assertPayableBy(order: PayableOrderFields | undefined, userId: string): asserts order is PayableOrderFields {
  if (!order || order.userId !== userId) throw new NotFoundError('Order not found', 'ORDER_NOT_FOUND');
  if (order.status !== 'AWAITING_PAYMENT') {
    throw new ConflictError(`Order is ${order.status}; only an order that is AWAITING_PAYMENT can be paid`, 'ORDER_NOT_PAYABLE');
  }
}
