import { ForbiddenError, HttpError } from '@shop/common';
import type { Role } from '@shop/contracts';

/** cart-service, which keeps the customer's cart (its forget-customer function). */
export interface CustomerCarts {
  /**
   * Erases the customer's cart, and keeps their tokens from making another. Safe to repeat. Throws
   * DeletionIncompleteError when cart-service cannot be asked or fails.
   */
  forget(userId: string, correlationId: string): Promise<void>;
}

/** What user-service's own tables keep of an account. */
export interface AccountRecords {
  /**
   * Deletes the account's verification codes and its profile, all or none (one transaction). What
   * is gone already is no error, so a repeat does nothing.
   */
  erase(userId: string): Promise<void>;
}

/** The user pool, where the account signs in. */
export interface AccountCloser {
  /**
   * Deletes the user from the pool by their id (the `sub`): they can no longer sign in or renew a
   * session. A user that is gone already counts as deleted.
   */
  close(userId: string): Promise<void>;
}

export interface AccountDeletionDeps {
  carts: CustomerCarts;
  records: AccountRecords;
  accounts: AccountCloser;
  correlationId: string;
}

/** The roles an administrator grants: their accounts are not closed by their holders. */
const STAFF_ROLES: readonly Role[] = ['ADMIN', 'MANAGER'];

/**
 * Deletes the caller's own account and what the shop keeps of them, in an order that leaves a
 * failure halfway with an account that can still sign in and ask again: first the cart
 * (cart-service), then the verification codes and the profile (one transaction), and last the user
 * in the pool, which also ends sign-in and the renewal of sessions. Every step is safe to repeat, so
 * a retry after a failure at any point finishes the job, and a repeat after success changes
 * nothing. Orders are kept: they are the shop's accounting records, and name the customer only by
 * the `sub`, a pseudonym once the profile and the user are gone.
 *
 * A caller with a staff role (ADMIN, MANAGER) is refused: such an account is closed by an
 * administrator, so that no click of its holder can leave the shop without one.
 */
export async function deleteAccount(caller: { userId: string; roles: readonly Role[] }, deps: AccountDeletionDeps): Promise<void> {
  if (caller.roles.some((role) => STAFF_ROLES.includes(role))) throw new StaffAccountError();
  await step(() => deps.carts.forget(caller.userId, deps.correlationId));
  await step(() => deps.records.erase(caller.userId));
  await step(() => deps.accounts.close(caller.userId));
}

/**
 * One step of the deletion. A failure the step answers itself (a throttle's 429) stands; any other
 * is the 503 that tells the customer to send the request again, which finishes the job: not a 500,
 * after which no client would, and the account would stay half deleted.
 */
async function step(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw error instanceof HttpError ? error : new DeletionIncompleteError(error);
  }
}

/** The caller holds a staff role as well as CUSTOMER: their account is not theirs to delete. */
export class StaffAccountError extends ForbiddenError {
  constructor() {
    super('An account with a staff role (ADMIN or MANAGER) is closed by an administrator');
  }
}

/**
 * A step of the deletion could not be done right now (cart-service could not be asked, or failed;
 * DynamoDB or Cognito failed): nothing was deleted after it, what was done stays done, and the same request again finishes the
 * job. The customer can still sign in to send it.
 */
export class DeletionIncompleteError extends HttpError {
  constructor(cause: unknown) {
    super(503, 'DELETION_INCOMPLETE', 'Your account could not be deleted completely right now; try again in a moment', undefined, { 'retry-after': '1' });
    this.cause = cause;
  }
}
