import { accessTokenClaims } from '@shop/testing';
import { afterEach, beforeEach, vi } from 'vitest';
import type { Product } from '@shop/contracts';
import type { ProductRecord } from '../src/domain/product-record';

export const TABLE = 'shop-test-product-service-products';
/** The products table's key, for FakeDynamoDB. */
export const TABLE_KEYS = { [TABLE]: 'productId' };
/** The sparse index the catalogue is listed from, for FakeDynamoDB. */
export const TABLE_INDEXES = { [TABLE]: { 'by-listing': ['listing', 'createdAt'] } } as const;

export const ADMIN = () => accessTokenClaims({ userId: 'a0000000-0000-4000-8000-000000000001', roles: ['ADMIN'] });
export const MANAGER = () => accessTokenClaims({ userId: 'a0000000-0000-4000-8000-000000000002', roles: ['MANAGER'] });
export const CUSTOMER = () => accessTokenClaims({ userId: 'a0000000-0000-4000-8000-000000000003', roles: ['CUSTOMER'] });

export const PRODUCT_ID = '5b0c7d3e-9f1a-4b2c-8d4e-6f7a8b9c0d1e';

/** A product item as the table holds it, listed unless told otherwise. */
export function storedProduct(overrides: Partial<ProductRecord> = {}): ProductRecord {
  return {
    productId: PRODUCT_ID,
    name: 'Espresso cup',
    description: 'Porcelain, 80 ml',
    price: { amount: 1450, currency: 'EUR' },
    stock: 12,
    createdAt: '2025-01-10T09:00:00.000Z',
    updatedAt: '2025-01-10T09:00:00.000Z',
    listing: 'LISTED',
    version: 3,
    initialStock: 20,
    ...overrides,
  };
}

/** What the API answers of a stored item: the Product, without the item's internal attributes. */
export function apiProduct(record: ProductRecord): Product {
  const { listing: _listing, deletedAt: _deletedAt, version: _version, initialStock: _initialStock, ...product } = record;
  return product;
}

/** The table name comes from the environment, as infra and the local cloud set it. */
export function withProductsTable(): void {
  beforeEach(() => {
    vi.stubEnv('PRODUCTS_TABLE', TABLE);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}
