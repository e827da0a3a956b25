import type { CatalogProduct, GetProductsResponse } from '@shop/contracts';
import { isListed, type ProductRecord } from './product-record';

/** The ids asked for, each once, in the order first asked (BatchGetItem refuses a key twice). */
export function distinctIds(productIds: readonly string[]): string[] {
  return [...new Set(productIds)];
}

/** What other services see of a stored product: soft-deleted ones stay, as not listed. */
export function toCatalogProduct(record: ProductRecord): CatalogProduct {
  return {
    productId: record.productId,
    name: record.name,
    price: { amount: record.price.amount, currency: record.price.currency },
    stock: record.stock,
    listed: isListed(record),
  };
}

/** The answer of get-products: the products found, in the order asked, each once; unknown ids are left out. */
export function catalogAnswer(productIds: readonly string[], records: readonly ProductRecord[]): GetProductsResponse {
  const byId = new Map(records.map((r) => [r.productId, r]));
  return {
    products: distinctIds(productIds).flatMap((id) => {
      const record = byId.get(id);
      return record ? [toCatalogProduct(record)] : [];
    }),
  };
}
