import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import type { StockAdjustmentPage } from '@shop/contracts';
import { dynamoStockAdjustmentStore } from '../adapters/dynamodb-stock-adjustment-store';
import { stockAdjustmentTrail } from '../domain/stock-adjustments';
import { trailCursor } from '../domain/trail-cursor';
import { service } from '../service';

const route = httpRoute(service, 'list-stock-adjustments');
const store = dynamoStockAdjustmentStore();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, query }) => {
  const startKey = trailCursor.startKey(query.cursor, { productId: path.id });
  const page = await stockAdjustmentTrail(store, path.id, { limit: query.limit, ...(startKey ? { startKey } : {}) });
  const answer: StockAdjustmentPage = { items: page.items, nextCursor: trailCursor.nextCursor(page.lastKey) };
  return { status: 200, body: answer };
});
