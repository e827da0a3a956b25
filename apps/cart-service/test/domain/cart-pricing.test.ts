import { Cart } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { cartCurrency, priceCart } from '../../src/domain/cart-pricing';
import { CART_ID, CUP, line, MUG, PLATE, product, storedCart } from '../fixtures';

const catalog = (...products: ReturnType<typeof product>[]) => new Map(products.map((p) => [p.productId, p]));

describe('cart pricing', () => {
  it('prices each line from the catalogue and totals the cart in integer cents', () => {
    const cart = priceCart(
      storedCart([line(MUG, 3), line(CUP, 1)]),
      catalog(product(MUG, { price: { amount: 1299, currency: 'EUR' } }), product(CUP, { price: { amount: 450, currency: 'EUR' } })),
    );
    expect(Cart.parse(cart)).toEqual({
      cartId: CART_ID,
      // The stored cart's version: it counts every write.
      revision: 3,
      items: [
        { productId: MUG, name: 'Mug', quantity: 3, unitPrice: { amount: 1299, currency: 'EUR' }, lineTotal: { amount: 3897, currency: 'EUR' }, available: true },
        { productId: CUP, name: 'Cup', quantity: 1, unitPrice: { amount: 450, currency: 'EUR' }, lineTotal: { amount: 450, currency: 'EUR' }, available: true },
      ],
      totals: { itemCount: 4, subtotal: { amount: 4347, currency: 'EUR' } },
    });
  });

  it('keeps a soft-deleted product as unavailable and leaves it out of the totals', () => {
    const cart = priceCart(storedCart([line(MUG, 1), line(CUP, 2)]), catalog(product(MUG), product(CUP, { listed: false })));
    expect(cart.items.map((i) => [i.productId, i.available])).toEqual([
      [MUG, true],
      [CUP, false],
    ]);
    expect(cart.totals).toEqual({ itemCount: 1, subtotal: { amount: 1299, currency: 'USD' } });
  });

  it('leaves out a line the catalogue does not know at all', () => {
    const cart = priceCart(storedCart([line(MUG, 1), line(PLATE, 1)]), catalog(product(MUG)));
    expect(cart.items.map((i) => i.productId)).toEqual([MUG]);
  });

  it('totals in the currency of the first listed line; a line priced in another is unavailable', () => {
    const products = catalog(product(MUG, { listed: false, price: { amount: 1, currency: 'GBP' } }), product(CUP, { price: { amount: 500, currency: 'EUR' } }), product(PLATE));
    expect(cartCurrency(storedCart([line(MUG, 1), line(CUP, 1), line(PLATE, 1)]).lines, products)).toBe('EUR');
    const cart = priceCart(storedCart([line(MUG, 1), line(CUP, 1), line(PLATE, 1)]), products);
    expect(cart.items.map((i) => i.available)).toEqual([false, true, false]);
    expect(cart.totals.subtotal).toEqual({ amount: 500, currency: 'EUR' });
  });

  it('answers an empty cart with zero totals', () => {
    expect(priceCart(storedCart([]), new Map())).toEqual({ cartId: CART_ID, revision: 3, items: [], totals: { itemCount: 0, subtotal: { amount: 0, currency: 'USD' } } });
  });
});
