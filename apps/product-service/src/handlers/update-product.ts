import { httpHandler, httpRoute, NotFoundError } from '@shop/common';
import { authorizeRoute } from '@shop/auth';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { service } from '../service';

const route = httpRoute(service, 'update-product');
const products = dynamoProductRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, body, principal, log }) => {
  const product = await products.update(path.id, body, new Date());
  if (!product) throw new NotFoundError('Product not found');
  log.info({ productId: product.productId, fields: Object.keys(body), by: principal.userId }, 'product updated');
  return { status: 200, body: product };
});
