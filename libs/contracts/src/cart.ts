import * as z from 'zod/mini';
import { Id } from './ids';
import { MAX_AMOUNT_CENTS, Money, MoneySum } from './money';

export const CART_MAX_LINES = 50;
export const CART_LINE_MAX_QUANTITY = 99;

export const AddToCartRequest = z.strictObject({
  productId: Id,
  quantity: z.int().check(z.minimum(1), z.maximum(CART_LINE_MAX_QUANTITY)),
});
export type AddToCartRequest = z.infer<typeof AddToCartRequest>;

export const CartItemPath = z.strictObject({ productId: Id });

/** Sets a line's quantity outright (1–99): what a quantity field in a cart means, in one change. */
export const SetCartItemRequest = z.strictObject({
  quantity: z.int().check(z.minimum(1), z.maximum(CART_LINE_MAX_QUANTITY)),
});
export type SetCartItemRequest = z.infer<typeof SetCartItemRequest>;

/** A cart line priced from the current catalogue; `available` is false once the product is gone. */
export const CartItem = z.object({
  productId: Id,
  name: z.string(),
  quantity: z.int().check(z.minimum(1)),
  unitPrice: Money,
  /** Unbounded, like the subtotal: 99 of a dear product may pass the most one order may total. */
  lineTotal: MoneySum,
  available: z.boolean(),
});
export type CartItem = z.infer<typeof CartItem>;

export const Cart = z.object({
  cartId: Id,
  /**
   * Counts the cart's changes (0 before its first): any write makes a new one, the shop's own too
   * (placing an order takes its lines out). A client that tried to order one revision knows that a
   * cart with another is not the same cart, even when it holds the same lines again.
   */
  revision: z.int().check(z.minimum(0)),
  items: z.array(CartItem),
  totals: z.object({
    itemCount: z.int(),
    subtotal: MoneySum.check(
      z.describe(`Not bounded by the most one order may total (${MAX_AMOUNT_CENTS} cents): a cart over it is answered as it is, and ordering it is 409 ORDER_TOO_LARGE.`),
    ),
  }),
});
export type Cart = z.infer<typeof Cart>;

/** A line of a cart as checkout reads it: what and how many, not yet priced. */
export const CartLine = z.object({ productId: Id, quantity: z.int().check(z.minimum(1), z.maximum(CART_LINE_MAX_QUANTITY)) });
export type CartLine = z.infer<typeof CartLine>;

/** Payload of the internal function cart-service/read-cart. */
export const ReadCartRequest = z.strictObject({ userId: z.string().check(z.minLength(1), z.maxLength(128)) });
export type ReadCartRequest = z.infer<typeof ReadCartRequest>;

/**
 * Answer of cart-service/read-cart: `cartId` is null when the user has no cart yet. `revision` is
 * the cart's (as `GET /cart` answers it); optional, so that a cart-service deployed before it
 * answered one still answers an order-service that reads it.
 */
export const ReadCartResponse = z.object({ cartId: z.nullable(Id), userId: z.string(), lines: z.array(CartLine), revision: z.optional(z.int().check(z.minimum(0))) });
export type ReadCartResponse = z.infer<typeof ReadCartResponse>;

/** How many placed orders a cart remembers having cleared, so that a repeated clear-cart changes nothing. */
export const CART_CLEARED_ORDERS_KEPT = 20;

/**
 * Payload of the internal function cart-service/clear-cart: the lines of a placed order, to take
 * out of the cart they were ordered from. `orderId` makes a repeated call change nothing more.
 */
export const ClearCartRequest = z.strictObject({
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  cartId: Id,
  orderId: Id,
  lines: z.array(CartLine).check(z.minLength(1), z.maxLength(CART_MAX_LINES)),
});
export type ClearCartRequest = z.infer<typeof ClearCartRequest>;

/** Answer of cart-service/clear-cart: `cleared` is false when there was nothing to do (no cart, another cart, an order cleared already). */
export const ClearCartResponse = z.object({ cleared: z.boolean() });
export type ClearCartResponse = z.infer<typeof ClearCartResponse>;

/**
 * Payload of the internal function cart-service/forget-customer, which only user-service's
 * delete-account invokes: the customer whose account is being deleted (their Cognito `sub`).
 */
export const ForgetCustomerRequest = z.strictObject({ userId: z.string().check(z.minLength(1), z.maxLength(128)) });
export type ForgetCustomerRequest = z.infer<typeof ForgetCustomerRequest>;

/** Answer of cart-service/forget-customer, once nothing of the customer's cart is left (a repeat answers the same). */
export const ForgetCustomerResponse = z.object({ forgotten: z.literal(true) });
export type ForgetCustomerResponse = z.infer<typeof ForgetCustomerResponse>;
