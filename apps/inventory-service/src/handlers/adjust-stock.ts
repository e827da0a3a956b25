import { randomUUID } from 'node:crypto';
import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoStockAdjustmentStore } from '../adapters/dynamodb-stock-adjustment-store';
import { adjustStock } from '../domain/stock-adjustments';
import { service } from '../service';

const route = httpRoute(service, 'adjust-stock');
const deps = { store: dynamoStockAdjustmentStore(), now: () => new Date(), newId: randomUUID };

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, body, headers, principal, log }) => {
  const adjustment = await adjustStock(deps, {
    productId: path.id,
    userId: principal.userId,
    idempotencyKey: headers['idempotency-key'],
    delta: body.delta,
    reason: body.reason,
  });
  log.info(
    { productId: adjustment.productId, adjustmentId: adjustment.adjustmentId, delta: adjustment.delta, stockAfter: adjustment.stockAfter, by: principal.userId },
    'stock adjusted',
  );
  return { status: 201, body: adjustment };
});
