import { randomUUID } from 'node:crypto';
import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { warmCatalog } from '../adapters/cached-catalog';
import { dynamoCartRepository } from '../adapters/dynamodb-cart-repository';
import { setQuantity } from '../domain/shopping-cart';
import { service } from '../service';

const route = httpRoute(service, 'set-cart-item');
const carts = dynamoCartRepository();
const catalog = warmCatalog;

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, body, principal, correlationId, log }) => {
  const cart = await setQuantity(principal.userId, path.productId, body.quantity, { carts, catalog, correlationId, now: () => new Date(), newCartId: randomUUID });
  log.info({ cartId: cart.cartId, productId: path.productId, quantity: body.quantity }, 'cart line set');
  return { status: 200, body: cart };
});
