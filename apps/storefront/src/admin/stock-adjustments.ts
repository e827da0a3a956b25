import type { ResponseOf } from '@shop/api-client';
import { attempt, type Outcome } from '../api';
import type { Shop } from '../shop-context';

export type StockAdjustment = ResponseOf<'adjustStock', 201>;
export type StockAdjustmentPage = ResponseOf<'listStockAdjustments', 200>;

/**
 * Stock changes only by adjustments (PUT /products/{id} refuses `stock`): a signed delta with its
 * reason, under an Idempotency-Key that a retry of the same adjustment reuses.
 */
export function adjustStock(shop: Shop, productId: string, change: { delta: number; reason: string }, idempotencyKey: string): Promise<Outcome<StockAdjustment>> {
  return attempt(
    shop.session,
    () =>
      shop.client.POST('/products/{id}/stock-adjustments', {
        params: { path: { id: productId }, header: { 'idempotency-key': idempotencyKey } },
        body: change,
      }),
    'admin',
  );
}

export function stockAdjustments(shop: Shop, productId: string): Promise<Outcome<StockAdjustmentPage>> {
  return attempt(shop.session, () => shop.client.GET('/products/{id}/stock-adjustments', { params: { path: { id: productId } } }), 'admin');
}
