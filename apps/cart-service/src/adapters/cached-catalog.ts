import type { CatalogProduct } from '@shop/contracts';
import type { Catalog } from '../domain/catalog';
import { lambdaCatalog } from './catalog-client';

/**
 * How long a warm instance prices from a product it read, before asking product-service again.
 * A second: a price or a soft-delete shows in the cart at most that late, which a customer cannot
 * tell from the time the page took; an order is priced and checked from the catalogue afresh by
 * order-service, so nothing is ever sold at a stale price. What it buys (docs/performance.md,
 * "Local API" and "Capacity"): a cart write invokes get-products about once a second per warm
 * instance instead of every time, so it takes a third less time, holds half the Lambda
 * concurrency, and a hot product's item is read a few times a second, not at every add.
 */
export const CATALOG_TTL_MS = 1_000;

export interface CachedCatalog extends Catalog {
  /** Forgets every product read: the next lookup asks the catalogue. */
  clear(): void;
}

/**
 * `inner` behind a per-instance memory of the products it answered, each trusted `ttlMs`. Only
 * the ids not known or too old are asked for, in one call; an id the catalogue does not know is
 * not remembered, so a product created meanwhile is found at once.
 */
export function cachedCatalog(inner: Catalog, options: { ttlMs: number; now?: () => number }): CachedCatalog {
  const now = options.now ?? Date.now;
  const known = new Map<string, { product: CatalogProduct; readAt: number }>();
  return {
    async products(productIds, correlationId) {
      const at = now();
      const fresh: CatalogProduct[] = [];
      const stale: string[] = [];
      for (const id of new Set(productIds)) {
        const entry = known.get(id);
        if (entry && at - entry.readAt < options.ttlMs) fresh.push(entry.product);
        else stale.push(id);
      }
      if (stale.length === 0) return fresh;
      const read = await inner.products(stale, correlationId);
      for (const id of stale) known.delete(id);
      for (const product of read) known.set(product.productId, { product, readAt: at });
      return [...fresh, ...read];
    },
    clear() {
      known.clear();
    },
  };
}

/** The catalogue of this warm instance, shared by its handlers: get-products behind a one-second memory. */
export const warmCatalog: CachedCatalog = cachedCatalog(lambdaCatalog(), { ttlMs: CATALOG_TTL_MS });
