import { newCorrelationId, newIdempotencyKey } from '../ids';

/** One try at placing an order for a cart as it is now: its Idempotency-Key and the correlation id its messages carry. */
export interface CheckoutAttempt {
  /** What the cart held when the attempt began: a changed cart is a new attempt. */
  cartSignature: string;
  idempotencyKey: string;
  correlationId: string;
  /** The order it placed, once the API answered: the attempt is over, and says where its order is. */
  orderId?: string;
}

const KEY = 'shop.checkout-attempt';

/**
 * The checkout attempt for a cart: the same one for every retry of placing that cart's order (a
 * timeout, a 5xx, a reload of the page), so that the API answers the same order and never places
 * two; a new one once the cart changed or the order was placed.
 */
export function checkoutAttempt(cartSignature: string, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): CheckoutAttempt {
  const stored = storedAttempt(storage);
  if (stored?.cartSignature === cartSignature && stored.idempotencyKey && stored.correlationId && !stored.orderId) return stored;
  const attempt = { cartSignature, idempotencyKey: newIdempotencyKey(), correlationId: newCorrelationId() };
  storage?.setItem(KEY, JSON.stringify(attempt));
  return attempt;
}

/**
 * The attempt placed its order: the next checkout is a new one, and until then the attempt says
 * which order it placed, so that a checkout page that lost it (a reload, a sign-in in between)
 * can point to it.
 */
export function placedCheckoutAttempt(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined, orderId: string): void {
  const stored = storedAttempt(storage);
  if (stored) storage?.setItem(KEY, JSON.stringify({ ...stored, orderId }));
}

/**
 * The order already placed for exactly this cart, as it is now: the cart still holds its lines
 * (taking them out is the API's best effort, and can fail). Placing again would order them twice.
 */
export function orderPlacedForCart(cartSignature: string, storage: Pick<Storage, 'getItem'> | undefined): string | undefined {
  const stored = storedAttempt(storage);
  return stored?.cartSignature === cartSignature ? stored.orderId : undefined;
}

/**
 * The cart as an attempt knows it: its id, its revision, its total and every line's product and
 * quantity. The revision tells apart a cart that holds the same lines again: an order whose answer
 * was lost has taken its lines out of the cart, and the same lines added back are a new order, not
 * a retry of it. The total is part of what the order asks for (`expectedTotal`): the same cart at
 * new prices is another request, which under the old key would be refused as the key reused.
 */
export function cartSignature(cart: {
  cartId: string;
  revision: number;
  items: readonly { productId: string; quantity: number }[];
  totals: { subtotal: { amount: number; currency: string } };
}): string {
  const { amount, currency } = cart.totals.subtotal;
  return [cart.cartId, `r${cart.revision}`, `${amount}${currency}`, ...cart.items.map((i) => `${i.productId}x${i.quantity}`).sort()].join('|');
}

/**
 * The attempt left from an earlier visit for a cart that is no longer the same (its order went
 * through, and its answer was lost, or the cart changed since), which it forgets; undefined when
 * there is none, or when it is this cart's.
 */
export function staleCheckoutAttempt(cartSignature: string, storage: Pick<Storage, 'getItem' | 'removeItem'> | undefined): CheckoutAttempt | undefined {
  const stored = storedAttempt(storage);
  if (!stored || stored.cartSignature === cartSignature) return undefined;
  storage?.removeItem(KEY);
  return stored;
}

/** The attempt kept in `storage`, if any; a damaged entry is no attempt. */
function storedAttempt(storage: Pick<Storage, 'getItem'> | undefined): CheckoutAttempt | undefined {
  try {
    return (JSON.parse(storage?.getItem(KEY) ?? 'null') as CheckoutAttempt | null) ?? undefined;
  } catch {
    return undefined;
  }
}
