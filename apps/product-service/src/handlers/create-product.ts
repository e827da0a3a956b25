import { randomUUID } from 'node:crypto';
import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { newProduct } from '../domain/product-record';
import { service } from '../service';

const route = httpRoute(service, 'create-product');
const products = dynamoProductRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, principal, log }) => {
  const product = newProduct(body, { productId: randomUUID(), now: new Date() });
  await products.create(product);
  log.info({ productId: product.productId, by: principal.userId }, 'product created');
  return { status: 201, body: product };
});
