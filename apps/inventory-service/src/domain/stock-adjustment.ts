import { createHash } from 'node:crypto';
import type { StockAdjustment } from '@shop/contracts';

/** How long an Idempotency-Key is remembered: a client retries an adjustment within minutes, not days. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** One entry of a product's audit trail, as the stock-adjustments table stores it. */
export interface StockAdjustmentRecord extends StockAdjustment {
  /**
   * The sort key, `<at>#<adjustmentId>`: the trail reads in time order, and two adjustments made in
   * the same millisecond still each have their own place.
   */
  adjustmentKey: string;
}

/** What an `Idempotency-Key` remembers: the request it was first used with, and the adjustment that request made. */
export interface AdjustmentKeyRecord {
  /** `<userId>#<Idempotency-Key>`: keys are per user, so two users cannot collide or probe each other's. */
  key: string;
  requestHash: string;
  productId: string;
  adjustmentKey: string;
  createdAt: string;
  /** Epoch seconds; the table's TTL deletes the item some time after. */
  expiresAt: number;
}

export interface AdjustStockRequest {
  productId: string;
  /** The ADMIN or MANAGER making it. */
  userId: string;
  idempotencyKey: string;
  delta: number;
  reason: string;
}

export function newStockAdjustment(request: AdjustStockRequest, at: { adjustmentId: string; now: Date }): StockAdjustmentRecord {
  const timestamp = at.now.toISOString();
  return {
    productId: request.productId,
    adjustmentKey: `${timestamp}#${at.adjustmentId}`,
    adjustmentId: at.adjustmentId,
    delta: request.delta,
    reason: request.reason,
    by: request.userId,
    at: timestamp,
  };
}

/** The key record an adjustment writes in its own transaction: the key is taken exactly when the adjustment is applied. */
export function newAdjustmentKey(request: AdjustStockRequest, adjustment: StockAdjustmentRecord, now: Date): AdjustmentKeyRecord {
  return {
    key: `${request.userId}#${request.idempotencyKey}`,
    requestHash: adjustmentRequestHash(request),
    productId: adjustment.productId,
    adjustmentKey: adjustment.adjustmentKey,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
  };
}

/**
 * What a key remembers of its request: SHA-256 (hex) of the product, the delta and the (trimmed)
 * reason. The same key for another product, delta or reason is another request.
 */
export function adjustmentRequestHash(request: Pick<AdjustStockRequest, 'productId' | 'delta' | 'reason'>): string {
  return createHash('sha256').update(JSON.stringify([request.productId, request.delta, request.reason]), 'utf8').digest('hex');
}

/** The API's StockAdjustment from a stored entry: never the sort key. */
export function toStockAdjustment(record: StockAdjustmentRecord): StockAdjustment {
  return {
    adjustmentId: record.adjustmentId,
    productId: record.productId,
    delta: record.delta,
    reason: record.reason,
    by: record.by,
    at: record.at,
  };
}
