import type { Product, UpdateProductRequest } from '@shop/domain';
import type { ListingKey } from './cursor';
import type { ProductRecord } from './product-record';

export interface ProductPageResult {
  items: Product[];
  /** Where the page stopped, when there may be more. */
  lastKey?: ListingKey;
}

/** Where products live. Unknown and soft-deleted products are alike: absent. */
export interface ProductRepository {
  /** Stores a new product; throws ConflictError if its id is taken. */
  create(product: Product): Promise<void>;
  /** Applies a partial update to a listed product; `undefined` when there is none with that id. */
  update(productId: string, update: UpdateProductRequest, now: Date): Promise<Product | undefined>;
  /** Soft-deletes a listed product; `false` when there is none with that id. */
  softDelete(productId: string, now: Date): Promise<boolean>;
  get(productId: string): Promise<Product | undefined>;
  /**
   * The stored items of these products, listed or soft-deleted, in no particular order;
   * unknown ids are absent. Ids must be distinct.
   */
  getMany(productIds: readonly string[]): Promise<ProductRecord[]>;
  /** Listed products, newest first. */
  listPage(options: { limit: number; startKey?: ListingKey }): Promise<ProductPageResult>;
}
