import type { Product, UpdateProductRequest } from '@shop/contracts';
import type { ListingKey } from './cursor';
import type { ProductRecord } from './product-record';
import type { VersionPrecondition } from './product-version';

export interface ProductPageResult {
  items: Product[];
  /** Where the page stopped, when there may be more. */
  lastKey?: ListingKey;
}

/** A product and the version of its item (its `ETag`). */
export interface VersionedProduct {
  product: Product;
  version: number;
}

export type UpdateOutcome =
  | ({ kind: 'updated' } & VersionedProduct)
  /** No listed product with that id; nothing changed. */
  | { kind: 'not-found' }
  /** The product is at another version than the precondition names; nothing changed. */
  | { kind: 'version-mismatch'; version: number }
  /** Checkouts' stock transactions held the product through every attempt; nothing changed. */
  | { kind: 'busy' };

export type DeleteOutcome = { kind: 'deleted' } | Exclude<UpdateOutcome, { kind: 'updated' }>;

/** Where products live. Unknown and soft-deleted products are alike: absent. */
export interface ProductRepository {
  /** Stores a new product, listed at version 1; or, when its id is taken, answers what is stored under it. */
  create(product: ProductRecord): Promise<{ kind: 'created' } | { kind: 'exists'; record: ProductRecord }>;
  /** Applies a partial update to a listed product, at one of the versions the precondition names when there is one; bumps the version. */
  update(productId: string, update: UpdateProductRequest, now: Date, precondition?: VersionPrecondition): Promise<UpdateOutcome>;
  /** Soft-deletes a listed product, at one of the versions the precondition names when there is one; bumps the version. */
  softDelete(productId: string, now: Date, precondition?: VersionPrecondition): Promise<DeleteOutcome>;
  get(productId: string): Promise<VersionedProduct | undefined>;
  /**
   * The stored items of these products, listed or soft-deleted, in no particular order;
   * unknown ids are absent. Ids must be distinct.
   */
  getMany(productIds: readonly string[]): Promise<ProductRecord[]>;
  /** Listed products, newest first. */
  listPage(options: { limit: number; startKey?: ListingKey }): Promise<ProductPageResult>;
}
