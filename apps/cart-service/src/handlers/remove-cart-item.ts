import { randomUUID } from 'node:crypto';
import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { warmCatalog } from '../adapters/cached-catalog';
import { dynamoCartRepository } from '../adapters/dynamodb-cart-repository';
import { removeFromCart } from '../domain/shopping-cart';
import { service } from '../service';

const route = httpRoute(service, 'remove-cart-item');
const carts = dynamoCartRepository();
const catalog = warmCatalog;

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, principal, correlationId, log }) => {
  const cart = await removeFromCart(principal.userId, path.productId, { carts, catalog, correlationId, now: () => new Date(), newCartId: randomUUID });
  log.info({ cartId: cart.cartId, productId: path.productId }, 'removed from cart');
  return { status: 200, body: cart };
});
