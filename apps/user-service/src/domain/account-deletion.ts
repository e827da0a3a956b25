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
  /** The role the account's profile holds now, or undefined once the profile is gone. */
  storedRole: (userId: string) => Promise<Role | undefined>;
  correlationId: string;
  log: { error(fields: Record<string, unknown>, message: string): void };
}

/** The roles an administrator grants: their accounts are not closed by their holders. */
const STAFF_ROLES: readonly Role[] = ['ADMIN', 'MANAGER'];

/**
 * Deletes the caller's own account and what the shop keeps of them, in an order that leaves a
 * failure halfway with something the same request (with the same token) finishes: first the
 * verification codes and the profile (one transaction), then the user in the pool, which ends
 * sign-in and the renewal of sessions, and last the cart (cart-service), replaced by a marker that
 * keeps the still-valid access token from making a cart again. The marker comes after the pool user
 * is gone, when no new token can be issued: written earlier, a failure of a later step would leave
 * a customer who can sign in and whose every cart request is refused. Every step is safe to repeat,
 * so a retry after a failure at any point finishes the job, and a repeat after success changes
 * nothing. Orders are kept: they are the shop's accounting records, and name the customer only by
 * the `sub`, a pseudonym once the profile and the user are gone.
 *
 * A staff account (ADMIN, MANAGER, in the token or in the stored profile: a customer promoted a
 * moment ago still holds a token of a customer) is refused: such an account is closed by an
 * administrator, so that no click of its holder can leave the shop without one.
 */
export async function deleteAccount(caller: { userId: string; roles: readonly Role[] }, deps: AccountDeletionDeps): Promise<void> {
  const step = (name: string, run: () => Promise<void>) => deletionStep(deps, caller.userId, name, run);
  const stored = await deps.storedRole(caller.userId);
  if ([...caller.roles, ...(stored ? [stored] : [])].some((role) => STAFF_ROLES.includes(role))) throw new StaffAccountError();
  await step('profile', () => deps.records.erase(caller.userId));
  await step('pool user', () => deps.accounts.close(caller.userId));
  await step('cart', () => deps.carts.forget(caller.userId, deps.correlationId));
}

/**
 * One step of the deletion. A failure the step answers itself (a throttle's 429) stands, as does a
 * deployment's missing setting; any other is the 503 that tells the customer to send the request
 * again, which finishes the job: not a 500, after which no client would. Logged with the account and
 * the step, so that an operator can finish a deletion nobody retried (docs/runbooks.md, "A customer
 * asks to be forgotten").
 */
async function deletionStep(deps: AccountDeletionDeps, userId: string, name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof HttpError && error.status < 500) throw error;
    // A setting missing from the deployment (@shop/common's ConfigError) is a bug to fix, not a request to send again.
    if (error instanceof Error && error.name === 'ConfigError') throw error;
    deps.log.error({ err: error, userId, step: name }, 'account deletion stopped before it was done: the same request finishes it');
    throw error instanceof DeletionIncompleteError ? error : new DeletionIncompleteError(error);
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
