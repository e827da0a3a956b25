import type { CreateProductRequest, Product, UpdateProductRequest } from '@shop/contracts';

/** The `listing` value of every product still in the catalogue; deleted ones lose the attribute. */
export const LISTED = 'LISTED';

/**
 * A product as the table stores it. `listing` puts it in the sparse `by-listing` index while it is
 * listed; `deletedAt` marks a soft delete; `version` counts product-service's changes (the
 * `ETag`); `initialStock` is the stock it was created with, where its stock ledger starts
 * (inventory-service's README); `requestHash`, the request of a product created under an
 * Idempotency-Key. None of them is part of the API's Product.
 */
export interface ProductRecord extends Product {
  listing?: typeof LISTED;
  deletedAt?: string;
  version?: number;
  initialStock?: number;
  /** Of a product created with an Idempotency-Key: what the key's request was (create-product.ts). */
  requestHash?: string;
}

/** A new product from a create request, with its id and timestamps. */
export function newProduct(request: CreateProductRequest, at: { productId: string; now: Date }): Product {
  const timestamp = at.now.toISOString();
  return {
    productId: at.productId,
    name: request.name,
    description: request.description,
    price: request.price,
    stock: request.stock,
    createdAt: timestamp,
    updatedAt: timestamp,
  };
}

/** The stored form of a new product: listed, at version 1, its opening stock kept as the start of its ledger. */
export function toRecord(product: ProductRecord): ProductRecord {
  return { ...product, listing: LISTED, version: 1, initialStock: product.stock };
}

/** The API's Product from a stored item: only the schema's attributes, never internal ones. */
export function toProduct(record: ProductRecord): Product {
  return {
    productId: record.productId,
    name: record.name,
    description: record.description,
    price: { amount: record.price.amount, currency: record.price.currency },
    stock: record.stock,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** Listed products are the only ones the API shows or changes. */
export function isListed(record: ProductRecord): boolean {
  return record.deletedAt === undefined;
}

/**
 * The attributes an update sets, in a fixed order, with the new `updatedAt`. Never `stock`: the
 * request schema refuses it, as stock changes only by relative, conditional writes.
 */
export function changedAttributes(update: UpdateProductRequest, now: Date): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of ['name', 'description', 'price'] as const) {
    if (update[key] !== undefined) changes[key] = update[key];
  }
  changes['updatedAt'] = now.toISOString();
  return changes;
}
