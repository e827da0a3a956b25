import { BadRequestError, httpHandler, httpRoute } from '@shop/common';
import { authorizeRoute } from '@shop/auth';
import type { ProductPage } from '@shop/domain';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { decodeCursor, encodeCursor } from '../domain/cursor';
import { service } from '../service';

const route = httpRoute(service, 'list-products');
const products = dynamoProductRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ query }) => {
  const startKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !startKey) {
    throw new BadRequestError(
      'Invalid request query: cursor: not a cursor this API issued',
      [{ field: 'cursor', message: 'not a cursor this API issued' }],
      'INVALID_CURSOR',
    );
  }
  const page = await products.listPage({ limit: query.limit, ...(startKey ? { startKey } : {}) });
  const answer: ProductPage = { items: page.items, nextCursor: page.lastKey ? encodeCursor(page.lastKey) : null };
  return { status: 200, body: answer };
});
