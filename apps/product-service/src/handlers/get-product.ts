import { httpHandler, NotFoundError } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { etagOf } from '../domain/product-version';
import { service } from '../service';

const route = httpRoute(service, 'get-product');
const products = dynamoProductRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path }) => {
  const found = await products.get(path.id);
  if (!found) throw new NotFoundError('Product not found');
  // The ETag is what an editor sends back as If-Match with PUT /products/{id}.
  return { status: 200, body: found.product, headers: { etag: etagOf(found.version) } };
});
