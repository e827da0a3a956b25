import { randomUUID } from 'node:crypto';
import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { warmCatalog } from '../adapters/cached-catalog';
import { dynamoCartRepository } from '../adapters/dynamodb-cart-repository';
import { addToCart } from '../domain/shopping-cart';
import { service } from '../service';

const route = httpRoute(service, 'add-to-cart');
const carts = dynamoCartRepository();
const catalog = warmCatalog;

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, principal, correlationId, log }) => {
  // The cart is always the caller's own: its key is the token's user id, never anything from the request.
  const cart = await addToCart(principal.userId, body, { carts, catalog, correlationId, now: () => new Date(), newCartId: randomUUID });
  log.info({ cartId: cart.cartId, productId: body.productId, quantity: body.quantity }, 'added to cart');
  return { status: 200, body: cart };
});
