import { randomUUID } from 'node:crypto';
import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { createProduct } from '../domain/create-product';
import { service } from '../service';

const route = httpRoute(service, 'create-product');
const deps = { products: dynamoProductRepository(), now: () => new Date(), newId: randomUUID };

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, headers, principal, log }) => {
  const idempotencyKey = headers['idempotency-key'];
  const product = await createProduct(deps, { userId: principal.userId, body, ...(idempotencyKey !== undefined && { idempotencyKey }) });
  log.info({ productId: product.productId, by: principal.userId, idempotent: idempotencyKey !== undefined }, 'product created');
  return { status: 201, body: product };
});
