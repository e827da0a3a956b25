import type { TrailKey } from './trail-cursor';
import type { AdjustmentKeyRecord, StockAdjustmentRecord } from './stock-adjustment';

export type ApplyOutcome =
  | { kind: 'applied' }
  /** A live record holds the Idempotency-Key: the request was made before (or is another one); nothing changed. */
  | { kind: 'key-taken' }
  /** No product with that id, or it was soft-deleted; nothing changed. */
  | { kind: 'unknown-product' }
  /** A negative delta larger than the stock; nothing changed. */
  | { kind: 'insufficient-stock'; inStock: number }
  /** Other transactions kept conflicting with this one on the same items; nothing changed. */
  | { kind: 'busy' };

export interface TrailPage {
  items: StockAdjustmentRecord[];
  /** Where the page stopped, when there may be more. */
  lastKey?: TrailKey;
}

/** Stock adjustments, the keys that make them idempotent, and the stock they change (product-service's products table). */
export interface StockAdjustmentStore {
  /**
   * In one transaction: changes the product's stock by the delta (a listed product; for a negative
   * delta, only if stock stays ≥ 0), records the adjustment and takes the key. All or nothing.
   */
  apply(adjustment: StockAdjustmentRecord, key: AdjustmentKeyRecord, now: Date): Promise<ApplyOutcome>;
  /** The record holding a key, read strongly consistent. */
  heldKey(key: string): Promise<AdjustmentKeyRecord | undefined>;
  get(productId: string, adjustmentKey: string): Promise<StockAdjustmentRecord | undefined>;
  /** A product's stock now, read strongly consistent, listed or soft-deleted; `undefined` for an unknown product. */
  stockOf(productId: string): Promise<number | undefined>;
  /** Whether a product was ever created (a soft-deleted one was). */
  productExists(productId: string): Promise<boolean>;
  /** A product's adjustments, newest first. */
  trailPage(productId: string, options: { limit: number; startKey?: TrailKey }): Promise<TrailPage>;
}
