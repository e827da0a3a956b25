import * as z from 'zod';
import { Id } from './ids';
import { Money } from './money';

export const CART_MAX_LINES = 50;
export const CART_LINE_MAX_QUANTITY = 99;

export const AddToCartRequest = z.strictObject({
  productId: Id,
  quantity: z.int().min(1).max(CART_LINE_MAX_QUANTITY),
});
export type AddToCartRequest = z.infer<typeof AddToCartRequest>;

export const CartItemPath = z.strictObject({ productId: Id });

/** A cart line priced from the current catalogue; `available` is false once the product is gone. */
export const CartItem = z.object({
  productId: Id,
  name: z.string(),
  quantity: z.int().min(1),
  unitPrice: Money,
  lineTotal: Money,
  available: z.boolean(),
});
export type CartItem = z.infer<typeof CartItem>;

export const Cart = z.object({
  cartId: Id,
  items: z.array(CartItem),
  totals: z.object({ itemCount: z.int(), subtotal: Money }),
});
export type Cart = z.infer<typeof Cart>;
