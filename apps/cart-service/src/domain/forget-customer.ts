import type { ForgetCustomerResponse } from '@shop/contracts';
import type { CartRecord } from './cart-record';
import type { CartRepository } from './cart-repository';
import { CustomerForgottenError } from './errors';

/**
 * How long the marker of a forgotten customer stays: a day, the longest a Cognito access token can
 * live (its maximum validity; the shop's stages issue 15-minute ones, the local cloud hour-long
 * ones). Every token issued before the account went has expired by then, so none can make a cart
 * again; DynamoDB's TTL removes the marker after it (within a few days, never before).
 */
export const FORGOTTEN_CUSTOMER_KEPT_SECONDS = 24 * 60 * 60;

/**
 * What the carts table keeps of a customer who deleted their account, in place of their cart: their
 * id (the Cognito `sub`, a pseudonym once the account is gone) and when, nothing else, until
 * `forgetAt` (Unix seconds, the table's TTL).
 */
export interface ForgottenCustomer {
  userId: string;
  forgottenAt: string;
  forgetAt: number;
}

export interface ForgetCustomerDeps {
  carts: CartRepository;
  now: () => Date;
}

/**
 * Erases what cart-service keeps of a customer whose account is being deleted: their cart (its
 * lines, the orders it cleared, its add keys: the carts table is all cart-service keeps per
 * customer). A marker takes its place for a day, so that the customer's tokens, which the API
 * still accepts until they expire, are answered 401 by every cart route instead of making a new
 * cart. Safe to repeat: a repeat writes the marker again, for another day.
 */
export async function forgetCustomer(userId: string, deps: ForgetCustomerDeps): Promise<ForgetCustomerResponse> {
  const now = deps.now();
  await deps.carts.forget({ userId, forgottenAt: now.toISOString(), forgetAt: Math.floor(now.getTime() / 1000) + FORGOTTEN_CUSTOMER_KEPT_SECONDS });
  return { forgotten: true };
}

/**
 * The user's cart, and none for a forgotten customer: what the shop's own calls read (checkout's
 * read-cart, clear-cart), which have no customer to answer 401 to. An order placed before the
 * account went still completes; there is simply no cart to take its lines out of.
 */
export async function cartUnlessForgotten(carts: CartRepository, userId: string): Promise<CartRecord | undefined> {
  try {
    return await carts.get(userId);
  } catch (error) {
    if (error instanceof CustomerForgottenError) return undefined;
    throw error;
  }
}
