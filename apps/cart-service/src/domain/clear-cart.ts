import type { ClearCartRequest, ClearCartResponse } from '@shop/contracts';
import { withOrderCleared } from './cart-record';
import type { CartRepository } from './cart-repository';
import { CartBusyError } from './errors';
import { cartUnlessForgotten } from './forget-customer';
import { MAX_WRITE_ATTEMPTS } from './shopping-cart';

export interface ClearCartDeps {
  carts: CartRepository;
  now: () => Date;
}

/**
 * Takes a placed order's lines out of the cart it was placed from. Like every cart change, the
 * write is conditional on the version read, and a lost race reads again and reapplies, so a line
 * the customer adds meanwhile is kept. No cart, another cart, or an order cleared already is
 * `{cleared: false}` and writes nothing; so is a customer who deleted their account meanwhile (their
 * cart is gone; the order stands).
 */
export async function clearCart(request: ClearCartRequest, deps: ClearCartDeps): Promise<ClearCartResponse> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await cartUnlessForgotten(deps.carts, request.userId);
    const next = current && withOrderCleared(current, request, deps.now());
    if (!next) return { cleared: false };
    if (await deps.carts.save(next)) return { cleared: true };
  }
  throw new CartBusyError();
}
