import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { accessTokenClaims } from '@shop/testing';
import { afterEach, beforeEach, vi } from 'vitest';
import type { Reservation } from '../src/domain/reservation';

export const PRODUCTS_TABLE = 'shop-test-product-service-products';
export const RESERVATIONS_TABLE = 'shop-test-inventory-service-reservations';
export const ADJUSTMENTS_TABLE = 'shop-test-inventory-service-stock-adjustments';
export const KEYS_TABLE = 'shop-test-inventory-service-idempotency-keys';
/** The tables' keys, for FakeDynamoDB. */
export const TABLE_KEYS = {
  [PRODUCTS_TABLE]: 'productId',
  [RESERVATIONS_TABLE]: 'orderId',
  [ADJUSTMENTS_TABLE]: ['productId', 'adjustmentKey'],
  [KEYS_TABLE]: 'key',
} as const;

export const ADMIN_ID = 'a0000000-0000-4000-8000-000000000001';
export const MANAGER_ID = 'a0000000-0000-4000-8000-000000000002';
export const ADMIN = () => accessTokenClaims({ userId: ADMIN_ID, roles: ['ADMIN'] });
export const MANAGER = () => accessTokenClaims({ userId: MANAGER_ID, roles: ['MANAGER'] });
export const CUSTOMER = () => accessTokenClaims({ userId: 'a0000000-0000-4000-8000-000000000003', roles: ['CUSTOMER'] });

export const ORDER_ID = '0a000000-0000-4000-8000-000000000001';
export const MUG = '11111111-1111-4111-8111-111111111111';
export const CUP = '22222222-2222-4222-8222-222222222222';
export const PLATE = '33333333-3333-4333-8333-333333333333';

/** The stock attributes of a product item, as inventory-service reads and writes them (listed unless told otherwise). */
export function stockedProduct(productId: string, stock: number, listed = true): { productId: string; stock: number; listing?: string } {
  return { productId, stock, ...(listed && { listing: 'LISTED' }) };
}

export function storedReservation(overrides: Partial<Reservation> = {}): Reservation {
  return {
    orderId: ORDER_ID,
    lines: [
      { productId: MUG, quantity: 2 },
      { productId: CUP, quantity: 1 },
    ],
    status: 'RESERVED',
    createdAt: '2025-01-10T09:00:00.000Z',
    ...overrides,
  };
}

/** What DynamoDB throws when a transaction is cancelled: one reason per item, in order. */
export function cancelled(...reasons: CancellationReason[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: {},
    CancellationReasons: reasons,
  });
}

export const NONE: CancellationReason = { Code: 'None' };
export const CONFLICT: CancellationReason = { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' };

/** Table names come from the environment, as infra and the local cloud set them. */
export function withInventoryEnvironment(): void {
  beforeEach(() => {
    vi.stubEnv('PRODUCTS_TABLE', PRODUCTS_TABLE);
    vi.stubEnv('RESERVATIONS_TABLE', RESERVATIONS_TABLE);
    vi.stubEnv('STOCK_ADJUSTMENTS_TABLE', ADJUSTMENTS_TABLE);
    vi.stubEnv('IDEMPOTENCY_KEYS_TABLE', KEYS_TABLE);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}
