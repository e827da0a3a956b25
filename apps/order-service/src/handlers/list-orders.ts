import { BadRequestError, httpHandler, httpRoute } from '@shop/common';
import { authorizeRoute } from '@shop/auth';
import type { OrderPage } from '@shop/domain';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { decodeCursor, encodeCursor } from '../domain/cursor';
import { toOrder } from '../domain/order-record';
import { service } from '../service';

const route = httpRoute(service, 'list-orders');
const orders = dynamoOrderRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ query, principal }) => {
  const startKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor, principal.userId);
  if (query.cursor !== undefined && !startKey) {
    throw new BadRequestError(
      'Invalid request query: cursor: not a cursor this API issued',
      [{ field: 'cursor', message: 'not a cursor this API issued' }],
      'INVALID_CURSOR',
    );
  }
  const page = await orders.listByUser(principal.userId, { limit: query.limit, ...(startKey ? { startKey } : {}) });
  const answer: OrderPage = { items: page.items.map(toOrder), nextCursor: page.lastKey ? encodeCursor(page.lastKey) : null };
  return { status: 200, body: answer };
});
