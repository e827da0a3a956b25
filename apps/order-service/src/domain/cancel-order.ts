import type { Logger } from '@shop/common';
import { CHECKOUT_ERRORS, type Order } from '@shop/contracts';
import type { CheckoutStateMachine } from './checkout-state-machine';
import { OrderMissingError, OrderNotCancellableError, OrderNotFoundError } from './errors';
import { toOrder, transitionSubject } from './order-record';
import type { OrderRepository } from './order-repository';
import type { PeerServices } from './peer-services';
import { changeStatus } from './status-change';
import { isCancellableByCustomer } from './transitions';

export const CANCELLED_BY_CUSTOMER = 'cancelled by customer';

export interface CancelOrderDeps {
  orders: OrderRepository;
  checkout: CheckoutStateMachine;
  peers: PeerServices;
  now: () => Date;
  log: Logger;
}

/**
 * The customer cancels their order before it is paid. The order moves to CANCELLED with a
 * conditional write; then the checkout is told (SendTaskFailure `OrderCancelled`, when it waits
 * for the payment) so that it releases the stock and ends, and the stock is also released
 * directly, in case no execution is left to do it. Both are idempotent, and neither failing
 * undoes the cancel: the order is cancelled once the write is done. A cancel the customer made
 * already is answered as this one (a retry after a lost answer), and its two steps are taken again,
 * in case the first request stopped before them.
 */
export async function cancelOrder(deps: CancelOrderDeps, request: { orderId: string; userId: string; correlationId: string }): Promise<Order> {
  const { orders, log } = deps;
  const result = await changeStatus(orders, request.orderId, {
    to: 'CANCELLED',
    reason: CANCELLED_BY_CUSTOMER,
    requireNoPayment: true,
    now: deps.now(),
    plan: (order) => {
      // Only the owner may cancel; to anyone else the order does not exist.
      if (order.userId !== request.userId) throw new OrderNotFoundError();
      if (order.status === 'CANCELLED' && order.reason === CANCELLED_BY_CUSTOMER) return 'already';
      return isCancellableByCustomer(transitionSubject(order)) ? 'move' : 'illegal';
    },
  }).catch((error: unknown) => {
    throw error instanceof OrderMissingError ? new OrderNotFoundError() : error;
  });
  if (result.plan === 'illegal') throw new OrderNotCancellableError(result.order.status);
  const order = result.order;
  log.info({ orderId: order.orderId, again: result.plan === 'already' }, 'order cancelled by the customer');

  if (order.taskToken) {
    try {
      const report = await deps.checkout.failTask(order.taskToken, CHECKOUT_ERRORS.orderCancelled, CANCELLED_BY_CUSTOMER);
      log.info({ report }, 'checkout told that the order was cancelled');
    } catch (error) {
      // The checkout then ends when the payment window expires, releasing the stock itself.
      log.error({ err: error }, 'could not tell the checkout that the order was cancelled');
    }
  }
  try {
    await deps.peers.releaseStock(order.orderId, request.correlationId);
  } catch (error) {
    log.error({ err: error }, 'could not release the stock of the cancelled order; the checkout releases it when it ends');
  }
  return toOrder(order);
}
