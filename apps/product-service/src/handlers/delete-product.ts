import { httpHandler, NotFoundError } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { service } from '../service';

const route = httpRoute(service, 'delete-product');
const products = dynamoProductRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, principal, log }) => {
  const deleted = await products.softDelete(path.id, new Date());
  if (!deleted) throw new NotFoundError('Product not found');
  log.info({ productId: path.id, by: principal.userId }, 'product deleted');
  return { status: 204 };
});
