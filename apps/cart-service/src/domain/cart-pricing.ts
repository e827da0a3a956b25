import { type Cart, type CartItem, type CatalogProduct, type Currency, multiply, sum } from '@shop/contracts';
import type { CartLineRecord, CartRecord } from './cart-record';

/** The catalogue's answer for a cart's products, by product id. */
export type CatalogView = ReadonlyMap<string, CatalogProduct>;

/** Priced in this when nothing in the cart says otherwise. */
export const DEFAULT_CURRENCY: Currency = 'USD';

/** A cart's currency: that of its first line whose product is still listed; none for a cart without one. */
export function cartCurrency(lines: readonly CartLineRecord[], catalog: CatalogView): Currency | undefined {
  for (const line of lines) {
    const product = catalog.get(line.productId);
    if (product?.listed) return product.price.currency;
  }
  return undefined;
}

/**
 * The cart as its owner sees it, priced from the current catalogue. A line whose product was
 * soft-deleted (or whose price moved to another currency) stays, with `available: false`, and
 * does not count in the totals; a line whose product the catalogue no longer knows at all cannot
 * be priced and is left out.
 */
export function priceCart(cart: CartRecord, catalog: CatalogView): Cart {
  const currency = cartCurrency(cart.lines, catalog) ?? DEFAULT_CURRENCY;
  const items: CartItem[] = cart.lines.flatMap((line) => {
    const product = catalog.get(line.productId);
    if (!product) return [];
    return [
      {
        productId: line.productId,
        name: product.name,
        quantity: line.quantity,
        unitPrice: product.price,
        lineTotal: multiply(product.price, line.quantity),
        available: product.listed && product.price.currency === currency,
      },
    ];
  });
  const counted = items.filter((i) => i.available);
  return {
    cartId: cart.cartId,
    revision: cart.version,
    items,
    totals: {
      itemCount: counted.reduce((n, i) => n + i.quantity, 0),
      subtotal: sum(
        counted.map((i) => i.lineTotal),
        currency,
      ),
    },
  };
}
