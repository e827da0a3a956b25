import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { preconditionOf, refusedChange } from '../domain/product-version';
import { service } from '../service';

const route = httpRoute(service, 'delete-product');
const products = dynamoProductRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, headers, principal, log }) => {
  const outcome = await products.softDelete(path.id, new Date(), preconditionOf(headers['if-match']));
  if (outcome.kind !== 'deleted') throw refusedChange(outcome, headers['if-match']);
  log.info({ productId: path.id, by: principal.userId }, 'product deleted');
  return { status: 204 };
});
