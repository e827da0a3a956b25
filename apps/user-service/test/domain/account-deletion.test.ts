import { ConfigError, HttpError } from '@shop/common';
import type { Role } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { type AccountDeletionDeps, deleteAccount, DeletionIncompleteError, StaffAccountError } from '../../src/domain/account-deletion';

const ANN = '7d1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f00';
type Step = 'cart' | 'records' | 'user';

/**
 * The customer's data in the three places it lives, each step recorded as it is done, and a step
 * that fails (once) when the test says so: what is done before it stays done, as on AWS.
 */
function world(storedRole: Role | undefined = 'CUSTOMER') {
  const held = { cart: true, records: true, user: true };
  const done: Step[] = [];
  const errors: Record<string, unknown>[] = [];
  const failing = new Map<Step, () => Error>();
  const step = (name: Step) => async (userId: string) => {
    expect(userId).toBe(ANN);
    const failure = failing.get(name);
    if (failure) {
      failing.delete(name);
      throw failure();
    }
    held[name] = false;
    done.push(name);
  };
  const deps: AccountDeletionDeps = {
    carts: { forget: (userId, correlationId) => (expect(correlationId).toBe('corr-1'), step('cart')(userId)) },
    records: { erase: step('records') },
    accounts: { close: step('user') },
    storedRole: async (userId) => (expect(userId).toBe(ANN), held.records ? storedRole : undefined),
    correlationId: 'corr-1',
    log: { error: (fields: Record<string, unknown>) => void errors.push(fields) },
  };
  const failNext = (name: Step, error: () => Error = () => new Error(`${name} failed`)) => failing.set(name, error);
  return { held, done, errors, deps, failNext };
}
const customer = (roles: readonly Role[] = ['CUSTOMER']) => ({ userId: ANN, roles });

describe('deleteAccount', () => {
  it('deletes the profile and codes, then the pool user, and last the cart, when no new token can be issued', async () => {
    const { held, done, deps } = world();
    await deleteAccount(customer(), deps);
    expect(done).toEqual(['records', 'user', 'cart']);
    expect(held).toEqual({ cart: false, records: false, user: false });
  });

  it.each<[Step, Step[]]>([
    ['records', []],
    ['user', ['records']],
    ['cart', ['records', 'user']],
  ])('stops where %s fails, answering the 503 that asks for the same request again, which finishes the job', async (failing, before) => {
    const { held, done, errors, deps, failNext } = world();
    failNext(failing);

    await expect(deleteAccount(customer(), deps)).rejects.toMatchObject({ status: 503, code: 'DELETION_INCOMPLETE', headers: { 'retry-after': '1' } });
    expect(done).toEqual(before);
    // The cart is never locked while the pool user can still sign in and get a new token.
    if (held.user) expect(held.cart).toBe(true);
    // The operator can find a deletion nobody finished: the account and the step.
    expect(errors).toEqual([expect.objectContaining({ userId: ANN, step: { records: 'profile', user: 'pool user', cart: 'cart' }[failing] })]);

    await deleteAccount(customer(), deps);
    expect(held).toEqual({ cart: false, records: false, user: false });
    // Each step done again is safe to do again: the adapters' own tests hold them to it.
    expect(done.slice(before.length)).toEqual(['records', 'user', 'cart']);
  });

  it('passes a throttle (429) and a missing setting on as they are: neither is a deletion to send again at once', async () => {
    const throttled = world();
    throttled.failNext('user', () => new HttpError(429, 'TOO_MANY_REQUESTS', 'slow down'));
    await expect(deleteAccount(customer(), throttled.deps)).rejects.toMatchObject({ status: 429 });

    const misconfigured = world();
    misconfigured.failNext('cart', () => new ConfigError('CART_SERVICE_FORGET_CUSTOMER_FUNCTION is not set'));
    await expect(deleteAccount(customer(), misconfigured.deps)).rejects.toBeInstanceOf(ConfigError);
  });

  it('keeps a DeletionIncompleteError as it is', async () => {
    const { deps, failNext } = world();
    const incomplete = new DeletionIncompleteError(new Error('cart-service failed'));
    failNext('cart', () => incomplete);
    await expect(deleteAccount(customer(), deps)).rejects.toBe(incomplete);
  });

  it.each<[string, Role[], Role]>([
    ['an ADMIN in the token', ['CUSTOMER', 'ADMIN'], 'ADMIN'],
    ['a MANAGER in the token', ['MANAGER', 'CUSTOMER'], 'MANAGER'],
    ['a customer made ADMIN since the token was issued', ['CUSTOMER'], 'ADMIN'],
  ])('refuses %s with 403, deleting nothing: a staff account is closed by an administrator', async (_who, roles, stored) => {
    const { held, done, deps } = world(stored);
    await expect(deleteAccount(customer(roles), deps)).rejects.toBeInstanceOf(StaffAccountError);
    expect(done).toEqual([]);
    expect(held).toEqual({ cart: true, records: true, user: true });
  });
});
