import { randomUUID } from 'node:crypto';
import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { warmCatalog } from '../adapters/cached-catalog';
import { dynamoCartRepository } from '../adapters/dynamodb-cart-repository';
import { viewCart } from '../domain/shopping-cart';
import { service } from '../service';

const route = httpRoute(service, 'get-cart');
const carts = dynamoCartRepository();
const catalog = warmCatalog;

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ principal, correlationId }) => {
  const cart = await viewCart(principal.userId, { carts, catalog, correlationId, now: () => new Date(), newCartId: randomUUID });
  return { status: 200, body: cart };
});
