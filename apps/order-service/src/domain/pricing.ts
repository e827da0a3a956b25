import { MAX_AMOUNT_CENTS, multiply, sum, type CartLine, type CatalogProduct, type Money, type OrderLine } from '@shop/contracts';
import { MixedCurrenciesError, OrderTooLargeError, ProductUnavailableError } from './errors';

export interface PricedOrder {
  items: OrderLine[];
  total: Money;
}

/**
 * Prices cart lines from the catalogue as it is now. Refuses a product the catalogue no longer
 * sells (naming it), a cart that mixes currencies, and a total too large for one order.
 */
export function priceCart(lines: readonly CartLine[], products: readonly CatalogProduct[]): PricedOrder {
  const byId = new Map(products.map((p) => [p.productId, p]));
  const unavailable = lines.filter((line) => !byId.get(line.productId)?.listed).map((line) => line.productId);
  if (unavailable.length > 0) throw new ProductUnavailableError(unavailable);

  const items: OrderLine[] = lines.map((line) => {
    const product = byId.get(line.productId)!;
    return {
      productId: product.productId,
      name: product.name,
      quantity: line.quantity,
      unitPrice: { amount: product.price.amount, currency: product.price.currency },
      lineTotal: multiply(product.price, line.quantity),
    };
  });

  const currencies = [...new Set(items.map((item) => item.unitPrice.currency))];
  const [currency] = currencies;
  if (currency === undefined) throw new RangeError('an order needs at least one line');
  if (currencies.length > 1) throw new MixedCurrenciesError(currencies);

  const total = sum(
    items.map((item) => item.lineTotal),
    currency,
  );
  if (total.amount > MAX_AMOUNT_CENTS) throw new OrderTooLargeError();
  return { items, total };
}
