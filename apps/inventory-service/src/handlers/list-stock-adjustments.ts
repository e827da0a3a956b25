import { BadRequestError, httpHandler, httpRoute } from '@shop/common';
import { authorizeRoute } from '@shop/auth';
import type { StockAdjustmentPage } from '@shop/domain';
import { dynamoStockAdjustmentStore } from '../adapters/dynamodb-stock-adjustment-store';
import { stockAdjustmentTrail } from '../domain/stock-adjustments';
import { decodeTrailCursor, encodeTrailCursor } from '../domain/trail-cursor';
import { service } from '../service';

const route = httpRoute(service, 'list-stock-adjustments');
const store = dynamoStockAdjustmentStore();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, query }) => {
  const startKey = query.cursor === undefined ? undefined : decodeTrailCursor(query.cursor, path.id);
  if (query.cursor !== undefined && !startKey) {
    throw new BadRequestError(
      'Invalid request query: cursor: not a cursor this API issued for this product',
      [{ field: 'cursor', message: 'not a cursor this API issued for this product' }],
      'INVALID_CURSOR',
    );
  }
  const page = await stockAdjustmentTrail(store, path.id, { limit: query.limit, ...(startKey ? { startKey } : {}) });
  const answer: StockAdjustmentPage = { items: page.items, nextCursor: page.lastKey ? encodeTrailCursor(page.lastKey) : null };
  return { status: 200, body: answer };
});
