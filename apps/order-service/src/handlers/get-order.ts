import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { assertOwnerOrAdmin, authorizeRoute } from '@shop/auth';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { OrderNotFoundError } from '../domain/errors';
import { toOrder } from '../domain/order-record';
import { service } from '../service';

const route = httpRoute(service, 'get-order');
const orders = dynamoOrderRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, principal }) => {
  const order = await orders.get(path.orderId);
  if (!order) throw new OrderNotFoundError();
  assertOwnerOrAdmin(principal, order.userId, 'Order');
  return { status: 200, body: toOrder(order) };
});
