import { describe, expect, it } from 'vitest';
import { cartSignature, checkoutAttempt, endCheckoutAttempt } from '../src/shop/checkout-attempt';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
}

const cart = { cartId: 'c1', items: [{ productId: 'p1', quantity: 2 }] };

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
    endCheckoutAttempt(storage);
    expect(checkoutAttempt(cartSignature(cart), storage).idempotencyKey).not.toBe(first.idempotencyKey);
  });
});
