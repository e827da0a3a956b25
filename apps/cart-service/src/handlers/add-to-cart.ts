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

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, headers, principal, correlationId, log }) => {
  const idempotencyKey = headers['idempotency-key'];
  // The cart is always the caller's own: its key is the token's user id, never anything from the request.
  const { cart, repeated } = await addToCart(principal.userId, body, { carts, catalog, correlationId, now: () => new Date(), newCartId: randomUUID }, idempotencyKey);
  log.info(
    { cartId: cart.cartId, productId: body.productId, quantity: body.quantity, idempotent: idempotencyKey !== undefined, repeated },
    repeated ? 'add to cart sent again: nothing changed' : 'added to cart',
  );
  return { status: 200, body: cart };
});
