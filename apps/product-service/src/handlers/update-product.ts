import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { etagOf, preconditionOf, refusedChange } from '../domain/product-version';
import { service } from '../service';

const route = httpRoute(service, 'update-product');
const products = dynamoProductRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, body, headers, principal, log }) => {
  const outcome = await products.update(path.id, body, new Date(), preconditionOf(headers['if-match']));
  if (outcome.kind !== 'updated') throw refusedChange(outcome, headers['if-match']);
  log.info({ productId: path.id, fields: Object.keys(body), version: outcome.version, by: principal.userId }, 'product updated');
  return { status: 200, body: outcome.product, headers: { etag: etagOf(outcome.version) } };
});
