import type { CatalogProduct } from '@shop/contracts';

/** The product catalogue, as product-service answers it to other services. */
export interface Catalog {
  /** The products with these ids (at most 100) that exist, listed or not; unknown ids are left out. */
  products(productIds: readonly string[], correlationId: string): Promise<CatalogProduct[]>;
}
