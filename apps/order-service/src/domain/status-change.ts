import type { OrderStatus } from '@shop/contracts';
import { OrderMissingError } from './errors';
import type { OrderRecord } from './order-record';
import type { OrderRepository } from './order-repository';
import type { FinalizationPlan } from './transitions';

/** How often a status change re-reads the order when another writer moved it in between. */
const ATTEMPTS = 3;

export interface StatusChange {
  to: OrderStatus;
  reason?: string;
  requireNoPayment?: boolean;
  requireUnstarted?: boolean;
  now: Date;
  /** Decides, from the order as it is, whether to move it. */
  plan: (order: OrderRecord) => FinalizationPlan;
}

export interface StatusChangeResult {
  plan: FinalizationPlan;
  /** The order after the change (or as it was, when nothing moved). */
  order: OrderRecord;
}

/**
 * Reads the order, plans the move, and writes it conditionally on the status it read. When the
 * write loses a race the order is read again and the move planned again, so the answer always
 * reflects the order's latest status. Throws `OrderNotFound` when there is no such order.
 */
export async function changeStatus(orders: OrderRepository, orderId: string, change: StatusChange): Promise<StatusChangeResult> {
  for (let attempt = 1; ; attempt++) {
    const order = await orders.get(orderId);
    if (!order) throw new OrderMissingError(orderId);
    const plan = change.plan(order);
    if (plan !== 'move') return { plan, order };
    const moved = await orders.move(orderId, {
      from: order.status,
      to: change.to,
      ...(change.reason === undefined ? {} : { reason: change.reason }),
      ...(change.requireNoPayment ? { requireNoPayment: true } : {}),
      ...(change.requireUnstarted ? { requireUnstarted: true } : {}),
      now: change.now,
    });
    if (moved) return { plan, order: moved };
    if (attempt >= ATTEMPTS) throw new Error(`order ${orderId} kept changing while moving it to ${change.to}`);
  }
}
