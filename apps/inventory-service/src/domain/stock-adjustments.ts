import { NotFoundError } from '@shop/common';
import type { StockAdjustmentPage, StockAdjustmentResult } from '@shop/contracts';
import { IdempotencyKeyReusedError, InsufficientStockError, StockBusyError } from './errors';
import { type AdjustStockRequest, adjustmentRequestHash, newAdjustmentKey, newStockAdjustment, type StockAdjustmentRecord, toStockAdjustment } from './stock-adjustment';
import type { StockAdjustmentStore } from './stock-adjustment-store';
import type { TrailKey } from './trail-cursor';

export interface AdjustStockDeps {
  store: StockAdjustmentStore;
  now: () => Date;
  newId: () => string;
}

/**
 * Changes a product's stock by a signed delta and records who did it and why, idempotently by
 * `Idempotency-Key`: the stock change, the audit entry and the key are one transaction, so a key
 * is taken exactly when its adjustment was applied. The same key with the same request answers
 * that adjustment again and changes nothing; with another request it is refused (422). A request
 * that was refused (404, 409, 503) took no key, so repeating it tries again.
 */
export async function adjustStock(deps: AdjustStockDeps, request: AdjustStockRequest): Promise<StockAdjustmentResult> {
  const now = deps.now();
  const adjustment = newStockAdjustment(request, { adjustmentId: deps.newId(), now });
  const outcome = await deps.store.apply(adjustment, newAdjustmentKey(request, adjustment, now), now);
  switch (outcome.kind) {
    case 'applied':
      return withStockAfter(deps.store, adjustment);
    case 'unknown-product':
      throw new NotFoundError('Product not found');
    case 'insufficient-stock':
      throw new InsufficientStockError(request.delta, outcome.inStock);
    case 'busy':
      throw new StockBusyError();
    case 'key-taken':
      return repeated(deps.store, request);
  }
}

/** The adjustment an earlier request with this key made, if it was this request. */
async function repeated(store: StockAdjustmentStore, request: AdjustStockRequest): Promise<StockAdjustmentResult> {
  const key = `${request.userId}#${request.idempotencyKey}`;
  const held = await store.heldKey(key);
  // Taken a moment ago and live, so it cannot have expired away since.
  if (!held) throw new Error(`idempotency key ${key} was held and is gone`);
  if (held.requestHash !== adjustmentRequestHash(request)) throw new IdempotencyKeyReusedError();
  const earlier = await store.get(held.productId, held.adjustmentKey);
  if (!earlier) throw new Error(`the adjustment ${held.adjustmentKey} of key ${key} is missing`);
  return withStockAfter(store, earlier);
}

/**
 * DynamoDB's TransactWriteItems answers no values, so the stock after the change is read right
 * after it, strongly consistent: it holds this adjustment and whatever else landed in between
 * (StockAdjustmentResult's `stockAfter` says so to clients).
 */
async function withStockAfter(store: StockAdjustmentStore, adjustment: StockAdjustmentRecord): Promise<StockAdjustmentResult> {
  const stockAfter = await store.stockOf(adjustment.productId);
  if (stockAfter === undefined) throw new Error(`product ${adjustment.productId} was adjusted and is gone`);
  return { ...toStockAdjustment(adjustment), stockAfter };
}

export interface TrailPageResult {
  items: StockAdjustmentPage['items'];
  lastKey?: TrailKey;
}

/**
 * One page of a product's audit trail, newest first. A soft-deleted product keeps its trail (it
 * is history); a product that never existed is 404.
 */
export async function stockAdjustmentTrail(
  store: StockAdjustmentStore,
  productId: string,
  options: { limit: number; startKey?: TrailKey },
): Promise<TrailPageResult> {
  const [exists, page] = await Promise.all([store.productExists(productId), store.trailPage(productId, options)]);
  if (!exists) throw new NotFoundError('Product not found');
  return { items: page.items.map(toStockAdjustment), ...(page.lastKey ? { lastKey: page.lastKey } : {}) };
}
