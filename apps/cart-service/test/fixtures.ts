import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { CatalogProduct } from '@shop/contracts';
import { accessTokenClaims, invokeAnswer } from '@shop/testing';
import { afterEach, beforeEach, vi } from 'vitest';
import { warmCatalog } from '../src/adapters/cached-catalog';
import type { CartLineRecord, CartRecord } from '../src/domain/cart-record';

export const TABLE = 'shop-test-cart-service-carts';
/** The carts table's key, for FakeDynamoDB. */
export const TABLE_KEYS = { [TABLE]: 'userId' };
export const GET_PRODUCTS_FUNCTION = 'shop-test-product-service-get-products';

export const ANN = 'c0000000-0000-4000-8000-00000000a001';
export const BOB = 'c0000000-0000-4000-8000-00000000b002';
export const customer = (userId = ANN) => accessTokenClaims({ userId, roles: ['CUSTOMER'] });

export const CART_ID = 'ca000000-0000-4000-8000-000000000001';
export const MUG = '11111111-1111-4111-8111-111111111111';
export const CUP = '22222222-2222-4222-8222-222222222222';
export const PLATE = '33333333-3333-4333-8333-333333333333';

export function product(productId: string, overrides: Partial<CatalogProduct> = {}): CatalogProduct {
  const names: Record<string, string> = { [MUG]: 'Mug', [CUP]: 'Cup', [PLATE]: 'Plate' };
  return { productId, name: names[productId] ?? 'Thing', price: { amount: 1299, currency: 'USD' }, stock: 10, listed: true, ...overrides };
}

export function line(productId: string, quantity: number): CartLineRecord {
  return { productId, quantity, addedAt: '2025-01-10T09:00:00.000Z' };
}

/** A cart item as the table holds it. */
export function storedCart(lines: CartLineRecord[], overrides: Partial<CartRecord> = {}): CartRecord {
  return { userId: ANN, cartId: CART_ID, lines, updatedAt: '2025-01-10T09:00:00.000Z', version: 3, ...overrides };
}

/** What LambdaClient answers for a RequestResponse invoke of get-products. */
export function catalogAnswer(products: CatalogProduct[]): InvokeCommandOutput {
  return invokeOutput({ products });
}

export const invokeOutput = invokeAnswer;

/** The payload an invoke was sent with. */
export function sentPayload(input: { Payload?: unknown }): unknown {
  const payload = input.Payload;
  return JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload as Uint8Array));
}

/** Table and function names come from the environment, as infra and the local cloud set them. */
export function withCartEnvironment(): void {
  beforeEach(() => {
    vi.stubEnv('CARTS_TABLE', TABLE);
    vi.stubEnv('PRODUCT_SERVICE_GET_PRODUCTS_FUNCTION', GET_PRODUCTS_FUNCTION);
    // Each test answers the catalogue its own way: nothing a test before it read may be remembered.
    warmCatalog.clear();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}
