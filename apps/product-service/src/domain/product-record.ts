import type { CreateProductRequest, Product, UpdateProductRequest } from '@shop/domain';

/** The `listing` value of every product still in the catalogue; deleted ones lose the attribute. */
export const LISTED = 'LISTED';

/**
 * A product as the table stores it. `listing` puts it in the sparse `by-listing` index while it is
 * listed; `deletedAt` marks a soft delete. Neither is part of the API's Product.
 */
export interface ProductRecord extends Product {
  listing?: typeof LISTED;
  deletedAt?: string;
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

/** The stored form of a new product: listed. */
export function toRecord(product: Product): ProductRecord {
  return { ...product, listing: LISTED };
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

/** The attributes an update sets, in a fixed order, with the new `updatedAt`. */
export function changedAttributes(update: UpdateProductRequest, now: Date): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of ['name', 'description', 'price', 'stock'] as const) {
    if (update[key] !== undefined) changes[key] = update[key];
  }
  changes['updatedAt'] = now.toISOString();
  return changes;
}
