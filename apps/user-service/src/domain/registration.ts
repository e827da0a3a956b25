import type { Logger } from '@shop/common';
import { passwordPolicyViolations, type RegisterRequest, type RegisterResponse } from '@shop/contracts';
import type { AccountDirectory } from './account-directory';
import { EmailTakenError, InvalidPasswordError } from './errors';
import { newCustomerProfile } from './profile';
import type { ProfileRepository } from './profile-repository';

export interface RegistrationDeps {
  accounts: AccountDirectory;
  profiles: ProfileRepository;
  log: Pick<Logger, 'warn' | 'error'>;
  now: () => Date;
}

/**
 * Registers a customer: checks the password against the policy first (so the caller learns
 * every broken rule at once and nothing is created), signs the account up, confirms it, makes
 * it a CUSTOMER and stores its profile. If any step after sign-up fails the account is removed
 * again, so the email is free for the client's retry, and the failure is passed on.
 *
 * A registration can also stop between its steps with nothing removed: SignUp done at Cognito
 * but its answer lost (the SDK's own retry then finds the address taken), or the function timed
 * out. Such an account has no profile. A retry with the same e-mail and password takes it up
 * where it stopped, rather than answer EMAIL_TAKEN for an account nobody can sign in to; anyone
 * else (another password), and any account that has its profile, still gets EMAIL_TAKEN.
 *
 * Two registrations of one address with its password may run at once (a double click, a retry
 * after the gateway's timeout while the first still runs): the second takes up the first's account
 * while the first goes on. Every step is idempotent (confirming a confirmed account, adding a
 * member to its group, and a profile that one of them wrote already), and a request that fails
 * looks before it cleans up: an account whose profile exists is finished, and is answered as
 * registered, never removed; only the request that signed an account up removes it.
 */
export async function registerCustomer(request: RegisterRequest, deps: RegistrationDeps): Promise<RegisterResponse> {
  const violations = passwordPolicyViolations(request.password);
  if (violations.length > 0) throw new InvalidPasswordError(violations);

  const { userId, confirmed, tookUp } = await signUpOrTakeUp(request, deps);
  try {
    if (!confirmed) await deps.accounts.confirm(request.email);
    await deps.accounts.addToGroup(request.email, 'CUSTOMER');
    await deps.profiles.create(newCustomerProfile({ userId, email: request.email, name: request.name, phone: request.phone }, deps.now()));
  } catch (error) {
    if (await finished(userId, deps)) {
      deps.log.warn({ userId }, 'registration finished by a request with the same e-mail and password at the same time');
      return { userId, email: request.email };
    }
    if (tookUp) {
      // Another request may be finishing this account: it is not this one's to remove.
      deps.log.warn({ err: error, userId }, 'taking up a registration failed; the account is left as it was');
      throw error;
    }
    deps.log.warn({ err: error, userId }, 'registration failed after sign-up; removing the account');
    try {
      await deps.accounts.remove(request.email);
    } catch (cleanupError) {
      deps.log.error({ err: cleanupError, userId }, 'could not remove the half-registered account');
    }
    throw error;
  }
  return { userId, email: request.email };
}

/** Whether the account has its profile: the last step, so a registration (this one or another) finished it. */
async function finished(userId: string, deps: RegistrationDeps): Promise<boolean> {
  try {
    return (await deps.profiles.get(userId)) !== undefined;
  } catch {
    return false;
  }
}

async function signUpOrTakeUp(request: RegisterRequest, deps: RegistrationDeps): Promise<{ userId: string; confirmed: boolean; tookUp: boolean }> {
  try {
    const { userId } = await deps.accounts.signUp(request);
    return { userId, confirmed: false, tookUp: false };
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
    const held = await deps.accounts.heldWith(request.email, request.password);
    if (!held || (await deps.profiles.get(held.userId))) throw error;
    deps.log.warn({ userId: held.userId, confirmed: held.confirmed }, 'taking up a registration that stopped halfway');
    return { ...held, tookUp: true };
  }
}
