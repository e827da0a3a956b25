import { httpHandler, httpRoute, NotFoundError } from '@shop/common';
import { authorizeRoute } from '@shop/auth';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { service } from '../service';

const route = httpRoute(service, 'get-product');
const products = dynamoProductRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path }) => {
  const product = await products.get(path.id);
  if (!product) throw new NotFoundError('Product not found');
  return { status: 200, body: product };
});
