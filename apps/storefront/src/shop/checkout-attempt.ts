import { newCorrelationId, newIdempotencyKey } from '../ids';

/** One try at placing an order for a cart as it is now: its Idempotency-Key and the correlation id its messages carry. */
export interface CheckoutAttempt {
  /** What the cart held when the attempt began: a changed cart is a new attempt. */
  cartSignature: string;
  idempotencyKey: string;
  correlationId: string;
}

const KEY = 'shop.checkout-attempt';

/**
 * The checkout attempt for a cart: the same one for every retry of placing that cart's order (a
 * timeout, a 5xx, a reload of the page), so that the API answers the same order and never places
 * two; a new one once the cart changed or the order was placed.
 */
export function checkoutAttempt(cartSignature: string, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): CheckoutAttempt {
  try {
    const stored = JSON.parse(storage?.getItem(KEY) ?? 'null') as CheckoutAttempt | null;
    if (stored?.cartSignature === cartSignature && stored.idempotencyKey && stored.correlationId) return stored;
  } catch {
    // A damaged entry is no attempt.
  }
  const attempt = { cartSignature, idempotencyKey: newIdempotencyKey(), correlationId: newCorrelationId() };
  storage?.setItem(KEY, JSON.stringify(attempt));
  return attempt;
}

/** The attempt is over (the order exists): the next checkout is a new one. */
export function endCheckoutAttempt(storage: Pick<Storage, 'removeItem'> | undefined): void {
  storage?.removeItem(KEY);
}

/** The cart as an attempt knows it: its id and every line's product and quantity. */
export function cartSignature(cart: { cartId: string; items: readonly { productId: string; quantity: number }[] }): string {
  return [cart.cartId, ...cart.items.map((i) => `${i.productId}x${i.quantity}`).sort()].join('|');
}
