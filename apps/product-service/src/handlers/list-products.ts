import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import type { ProductPage } from '@shop/contracts';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { listingCursor } from '../domain/cursor';
import { service } from '../service';

const route = httpRoute(service, 'list-products');
const products = dynamoProductRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ query }) => {
  const startKey = listingCursor.startKey(query.cursor);
  const page = await products.listPage({ limit: query.limit, ...(startKey ? { startKey } : {}) });
  const answer: ProductPage = { items: page.items, nextCursor: listingCursor.nextCursor(page.lastKey) };
  return { status: 200, body: answer };
});
