import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import type { OrderPage } from '@shop/contracts';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { ordersCursor } from '../domain/cursor';
import { toOrder } from '../domain/order-record';
import { service } from '../service';

const route = httpRoute(service, 'list-orders');
const orders = dynamoOrderRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ query, principal }) => {
  const startKey = ordersCursor.startKey(query.cursor, { userId: principal.userId });
  const page = await orders.listByUser(principal.userId, { limit: query.limit, ...(startKey ? { startKey } : {}) });
  const answer: OrderPage = { items: page.items.map(toOrder), nextCursor: ordersCursor.nextCursor(page.lastKey) };
  return { status: 200, body: answer };
});
