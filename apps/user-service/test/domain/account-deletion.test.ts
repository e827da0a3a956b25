import type { Role } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { type AccountDeletionDeps, deleteAccount, DeletionIncompleteError, StaffAccountError } from '../../src/domain/account-deletion';

const ANN = '7d1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f00';
type Step = 'cart' | 'records' | 'user';

/**
 * The customer's data in the three places it lives, each step recorded as it is done, and a step
 * that fails (once) when the test says so: what is done before it stays done, as on AWS.
 */
function world() {
  const held = { cart: true, records: true, user: true };
  const done: Step[] = [];
  const failing = new Set<Step>();
  const step = (name: Step, error: () => Error) => async (userId: string) => {
    expect(userId).toBe(ANN);
    if (failing.delete(name)) throw error();
    held[name] = false;
    done.push(name);
  };
  const deps: AccountDeletionDeps = {
    carts: { forget: (userId, correlationId) => (expect(correlationId).toBe('corr-1'), step('cart', () => new DeletionIncompleteError(new Error('cart-service failed')))(userId)) },
    records: { erase: step('records', () => new Error('DynamoDB failed')) },
    accounts: { close: step('user', () => new Error('Cognito failed')) },
    correlationId: 'corr-1',
  };
  return { held, done, deps, failNext: (name: Step) => failing.add(name) };
}
const customer = (roles: readonly Role[] = ['CUSTOMER']) => ({ userId: ANN, roles });

describe('deleting an account', () => {
  it('erases the cart first, then the verification codes and the profile, and the user in the pool last', async () => {
    const { held, done, deps } = world();
    await deleteAccount(customer(), deps);
    expect(done).toEqual(['cart', 'records', 'user']);
    expect(held).toEqual({ cart: false, records: false, user: false });
  });

  it.each<[Step, Step[]]>([
    ['cart', []],
    ['records', ['cart']],
    ['user', ['cart', 'records']],
  ])('stops where %s fails, with the pool user still there to sign in, and a retry finishes the job', async (failing, before) => {
    const { held, done, deps, failNext } = world();
    failNext(failing);

    await expect(deleteAccount(customer(), deps)).rejects.toThrow();
    expect(done).toEqual(before);
    // Nothing after the failed step was deleted: the customer can still sign in and ask again.
    expect(held.user).toBe(true);

    await deleteAccount(customer(), deps);
    expect(held).toEqual({ cart: false, records: false, user: false });
    // Each step done again is safe to do again: the adapters' own tests hold them to it.
    expect(done.slice(before.length)).toEqual(['cart', 'records', 'user']);
  });

  it.each<Step>(['cart', 'records', 'user'])('answers a failure of the %s step as the 503 that tells the customer to send it again', async (failing) => {
    const { deps, failNext } = world();
    failNext(failing);
    await expect(deleteAccount(customer(), deps)).rejects.toMatchObject({ status: 503, code: 'DELETION_INCOMPLETE', headers: { 'retry-after': '1' } });
  });

  it.each<[string, Role[]]>([
    ['an ADMIN', ['CUSTOMER', 'ADMIN']],
    ['a MANAGER', ['MANAGER', 'CUSTOMER']],
  ])('refuses %s who is also a customer with 403, deleting nothing: a staff account is closed by an administrator', async (_who, roles) => {
    const { held, done, deps } = world();
    await expect(deleteAccount(customer(roles), deps)).rejects.toBeInstanceOf(StaffAccountError);
    expect(done).toEqual([]);
    expect(held).toEqual({ cart: true, records: true, user: true });
  });
});
