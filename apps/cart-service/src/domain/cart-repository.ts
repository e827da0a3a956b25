import type { CartRecord } from './cart-record';

/** Where carts live: one per user. */
export interface CartRepository {
  /** The user's cart, read strongly consistent; `undefined` before their first one. */
  get(userId: string): Promise<CartRecord | undefined>;
  /**
   * Stores `cart` if the stored one is still the version before it (version 1: if there is
   * none yet). `false` when another write came first; nothing was written then.
   */
  save(cart: CartRecord): Promise<boolean>;
}
