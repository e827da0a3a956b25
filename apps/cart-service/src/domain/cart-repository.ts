import type { CartRecord } from './cart-record';
import type { ForgottenCustomer } from './forget-customer';

/** Where carts live: one per user. */
export interface CartRepository {
  /**
   * The user's cart, read strongly consistent; `undefined` before their first one. Throws
   * CustomerForgottenError for a customer who deleted their account (`forget`), while the marker lasts.
   */
  get(userId: string): Promise<CartRecord | undefined>;
  /**
   * Stores `cart` if the stored one is still the version before it (version 1: if there is
   * none yet). `false` when another write came first; nothing was written then. A forgotten
   * customer's marker is such a write: the next `get` throws.
   */
  save(cart: CartRecord): Promise<boolean>;
  /**
   * Puts the marker of a forgotten customer in place of whatever is stored for them (their cart
   * is gone), unconditionally: a change to the cart in flight loses its race to it.
   */
  forget(customer: ForgottenCustomer): Promise<void>;
}
