import { createHash } from 'node:crypto';
import {
  type AddToCartRequest,
  CART_CLEARED_ORDERS_KEPT,
  CART_LINE_MAX_QUANTITY,
  CART_MAX_LINES,
  type CartLine,
  type ReadCartResponse,
} from '@shop/contracts';
import { CartFullError, CartItemNotFoundError, IdempotencyKeyReusedError, QuantityLimitError } from './errors';

/** How many adds a cart remembers by their Idempotency-Key, so that resending one of them changes nothing. */
export const CART_ADD_KEYS_KEPT = 20;

export interface CartLineRecord {
  productId: string;
  quantity: number;
  addedAt: string;
}

/**
 * A cart as the table stores it: one per user, keyed by the user id. `version` counts the
 * writes: each write expects the version it read, so two concurrent changes never overwrite
 * each other (the loser reads again and reapplies its change).
 */
export interface CartRecord {
  userId: string;
  cartId: string;
  lines: CartLineRecord[];
  updatedAt: string;
  version: number;
  /**
   * The last orders (at most 20, oldest first) whose lines were taken out of this cart, so that
   * clearing an order twice takes them out once. Absent on a cart no order was placed from.
   */
  clearedOrders?: string[];
  /**
   * The last adds (at most 20, oldest first) made under an Idempotency-Key, each with its
   * request's hash, so that resending an add changes nothing. Absent on a cart never added to
   * with a key.
   */
  addKeys?: AddKey[];
}

/** An add's Idempotency-Key and what it asked for (`addRequestHash`). */
export interface AddKey {
  key: string;
  requestHash: string;
}

/** A cart not stored yet (version 0): its first write creates it. */
export function emptyCart(userId: string, cartId: string, now: Date): CartRecord {
  return { userId, cartId, lines: [], updatedAt: now.toISOString(), version: 0 };
}

/** The next version of a cart, with these lines. */
export function revised(cart: CartRecord, lines: CartLineRecord[], now: Date): CartRecord {
  return { ...cart, lines, updatedAt: now.toISOString(), version: cart.version + 1 };
}

/**
 * Adds a product, or increments its line. A line holds 1–99 (after the increment) and a cart
 * at most 50 lines; a new product goes at the end. An add under an Idempotency-Key remembers it
 * in the same write (the last 20), so the key is taken exactly when the line changed.
 */
export function withItemAdded(cart: CartRecord, item: AddToCartRequest, now: Date, key?: AddKey): CartRecord {
  const added = revised(cart, linesWithItemAdded(cart.lines, item, now), now);
  return key ? { ...added, addKeys: [...(cart.addKeys ?? []), key].slice(-CART_ADD_KEYS_KEPT) } : added;
}

function linesWithItemAdded(lines: CartLineRecord[], item: AddToCartRequest, now: Date): CartLineRecord[] {
  const line = lines.find((l) => l.productId === item.productId);
  if (line) {
    if (line.quantity + item.quantity > CART_LINE_MAX_QUANTITY) throw new QuantityLimitError(line.quantity, item.quantity);
    return lines.map((l) => (l === line ? { ...l, quantity: l.quantity + item.quantity } : l));
  }
  if (lines.length >= CART_MAX_LINES) throw new CartFullError();
  return [...lines, { productId: item.productId, quantity: item.quantity, addedAt: now.toISOString() }];
}

/**
 * Whether the cart already took the add under this key: `true` when it remembers the key with the
 * same request, `false` when it does not remember the key. The key with another request is refused
 * (IdempotencyKeyReusedError): it is a client bug, and answering the first add would hide it.
 */
export function tookAdd(cart: CartRecord, key: AddKey): boolean {
  const held = cart.addKeys?.find((k) => k.key === key.key);
  if (!held) return false;
  if (held.requestHash !== key.requestHash) throw new IdempotencyKeyReusedError();
  return true;
}

/** What an add's key remembers of its request: SHA-256 (hex) of the product and the quantity. */
export function addRequestHash(item: AddToCartRequest): string {
  return createHash('sha256').update(JSON.stringify([item.productId, item.quantity]), 'utf8').digest('hex');
}

/** The product's line with this quantity (1–99), in its place; the line must be in the cart. */
export function withQuantity(cart: CartRecord, productId: string, quantity: number, now: Date): CartRecord {
  if (!cart.lines.some((l) => l.productId === productId)) throw new CartItemNotFoundError(productId);
  return revised(
    cart,
    cart.lines.map((l) => (l.productId === productId ? { ...l, quantity } : l)),
    now,
  );
}

export function withItemRemoved(cart: CartRecord, productId: string, now: Date): CartRecord {
  if (!cart.lines.some((l) => l.productId === productId)) throw new CartItemNotFoundError(productId);
  return revised(
    cart,
    cart.lines.filter((l) => l.productId !== productId),
    now,
  );
}

/**
 * The cart without what order `orderId` bought from it: each ordered quantity is taken off its
 * line, and a line left with nothing goes; a line the customer raised after ordering keeps the
 * difference, and lines not in the order stay. `undefined` when there is nothing to do: the order
 * was placed from another cart, or was cleared already. Otherwise the order is remembered (the
 * last 20), even when none of its lines is still there, so that a repeat cannot take a line the
 * customer added again.
 */
export function withOrderCleared(
  cart: CartRecord,
  order: { cartId: string; orderId: string; lines: readonly CartLine[] },
  now: Date,
): CartRecord | undefined {
  const cleared = cart.clearedOrders ?? [];
  if (cart.cartId !== order.cartId || cleared.includes(order.orderId)) return undefined;
  const ordered = new Map<string, number>();
  for (const l of order.lines) ordered.set(l.productId, (ordered.get(l.productId) ?? 0) + l.quantity);
  const lines = cart.lines.flatMap((l) => {
    const left = l.quantity - (ordered.get(l.productId) ?? 0);
    return left > 0 ? [{ ...l, quantity: left }] : [];
  });
  return { ...revised(cart, lines, now), clearedOrders: [...cleared, order.orderId].slice(-CART_CLEARED_ORDERS_KEPT) };
}

export function lineProductIds(cart: CartRecord | undefined): string[] {
  return cart?.lines.map((l) => l.productId) ?? [];
}

/** What checkout reads of a user's cart: its lines, unpriced, and its revision; no cart yet is `cartId: null`. */
export function toReadCartResponse(userId: string, cart: CartRecord | undefined): ReadCartResponse {
  if (!cart) return { cartId: null, userId, lines: [], revision: 0 };
  return { cartId: cart.cartId, userId, lines: cart.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })), revision: cart.version };
}
