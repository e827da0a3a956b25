import { NamedError, taskHandler } from '@shop/common';
import { CHECKOUT_ERRORS, ValidateOrderRequest, type ValidateOrderResponse } from '@shop/contracts';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { lambdaPeerServices } from '../adapters/peer-services';
import { unavailableProducts } from '../domain/availability';
import { OrderCancelledError, OrderMissingError, OutOfStockError } from '../domain/errors';

const orders = dynamoOrderRepository();
const peers = lambdaPeerServices();

/** Checkout step ValidateOrder: is every line of the order in stock? (a RequestResponse invoke of inventory). */
export const handler = taskHandler(ValidateOrderRequest, async ({ payload, correlationId, log }): Promise<ValidateOrderResponse> => {
  const order = await orders.get(payload.orderId);
  if (!order) throw new OrderMissingError(payload.orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  if (order.status !== 'PENDING' && order.status !== 'AWAITING_PAYMENT') {
    throw new NamedError(CHECKOUT_ERRORS.orderNotPayable, `Order ${order.orderId} is ${order.status}`);
  }

  const lines = order.items.map(({ productId, quantity }) => ({ productId, quantity }));
  const short = unavailableProducts(await peers.checkAvailability(lines, correlationId));
  if (short.length > 0) throw new OutOfStockError(short);
  log.info({ orderId: order.orderId, lines: lines.length }, 'order validated: every line is in stock');
  return { orderId: order.orderId, lines };
});
