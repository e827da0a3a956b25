import { describe, expect, it } from 'vitest';
import { cartSignature, checkoutAttempt, orderPlacedForCart, placedCheckoutAttempt, staleCheckoutAttempt } from '../src/shop/checkout-attempt';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
}

const cart = { cartId: 'c1', revision: 3, items: [{ productId: 'p1', quantity: 2 }], totals: { subtotal: { amount: 2500, currency: 'USD' } } };

describe('checkoutAttempt', () => {
  it('reuses the Idempotency-Key and correlation id for every retry of the same cart', () => {
    const storage = memoryStorage();
    const first = checkoutAttempt(cartSignature(cart), storage);
    const retry = checkoutAttempt(cartSignature(cart), storage);
    expect(retry).toEqual(first);
    expect(first.idempotencyKey).toMatch(/^[A-Za-z0-9_-]{8,128}$/);
    expect(first.correlationId).toMatch(/^web-[0-9a-f-]{36}$/);
  });

  it('starts a new attempt when the cart changed, or once the order was placed', () => {
    const storage = memoryStorage();
    const first = checkoutAttempt(cartSignature(cart), storage);
    const changed = checkoutAttempt(cartSignature({ ...cart, items: [{ productId: 'p1', quantity: 3 }] }), storage);
    expect(changed.idempotencyKey).not.toBe(first.idempotencyKey);
    placedCheckoutAttempt(storage, 'order-1');
    expect(checkoutAttempt(cartSignature(cart), storage).idempotencyKey).not.toBe(first.idempotencyKey);
  });

  it('starts a new attempt for the same cart at new prices: the order asks for the total the shopper saw, so it is another request', () => {
    const storage = memoryStorage();
    const first = checkoutAttempt(cartSignature(cart), storage);
    const repriced = { ...cart, totals: { subtotal: { amount: 2600, currency: 'USD' } } };
    expect(checkoutAttempt(cartSignature(repriced), storage).idempotencyKey).not.toBe(first.idempotencyKey);
  });

  it('starts a new attempt for the same lines added back after its order took them out of the cart (a lost answer)', () => {
    const storage = memoryStorage();
    const first = checkoutAttempt(cartSignature(cart), storage);
    // The order was placed and its answer lost: the shop emptied the cart (revision 4), the shopper added the same line (5).
    const again = { ...cart, revision: 5 };
    expect(checkoutAttempt(cartSignature(again), storage).idempotencyKey).not.toBe(first.idempotencyKey);
  });

  it('forgets an attempt left for another cart, and tells of it once; keeps the one for this cart', () => {
    const storage = memoryStorage();
    const first = checkoutAttempt(cartSignature(cart), storage);
    expect(staleCheckoutAttempt(cartSignature(cart), storage)).toBeUndefined();
    expect(checkoutAttempt(cartSignature(cart), storage)).toEqual(first);

    const emptied = { cartId: 'c1', revision: 4, items: [], totals: { subtotal: { amount: 0, currency: 'USD' } } };
    expect(staleCheckoutAttempt(cartSignature(emptied), storage)).toEqual(first);
    expect(staleCheckoutAttempt(cartSignature(emptied), storage)).toBeUndefined();
    expect(storage.getItem('shop.checkout-attempt')).toBeNull();
  });

  it('remembers the order an attempt placed, for a checkout page that lost it (a reload, a sign-in in between), once', () => {
    const storage = memoryStorage();
    const first = checkoutAttempt(cartSignature(cart), storage);
    placedCheckoutAttempt(storage, 'order-1');
    const emptied = { cartId: 'c1', revision: 4, items: [], totals: { subtotal: { amount: 0, currency: 'USD' } } };
    expect(staleCheckoutAttempt(cartSignature(emptied), storage)).toEqual({ ...first, orderId: 'order-1' });
    expect(staleCheckoutAttempt(cartSignature(emptied), storage)).toBeUndefined();
  });

  it('tells of the order placed for exactly this cart when the API could not take its lines out (a reload would place it twice)', () => {
    const storage = memoryStorage();
    checkoutAttempt(cartSignature(cart), storage);
    expect(orderPlacedForCart(cartSignature(cart), storage)).toBeUndefined();
    placedCheckoutAttempt(storage, 'order-1');
    // The cart is the very same: same revision, same lines.
    expect(orderPlacedForCart(cartSignature(cart), storage)).toBe('order-1');
    expect(orderPlacedForCart(cartSignature({ ...cart, revision: 4 }), storage)).toBeUndefined();
  });
});
