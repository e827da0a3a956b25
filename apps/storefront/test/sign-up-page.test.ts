import { describe, expect, it, vi } from 'vitest';
import { signUp } from '../src/shop/sign-up-page';
import { apiError, stubApi } from './stub-api';

const details = { name: 'Ann Shopper', email: 'ann@example.com', password: 'Sturdy-Passw0rd' };
const taken = { status: 409, body: apiError('EMAIL_TAKEN', 'An account with this email already exists') };
const created = { status: 201, body: { userId: 'u-1', email: details.email, name: details.name, role: 'CUSTOMER', createdAt: '2030-01-01T00:00:00.000Z' } };

describe('signing up', () => {
  it('registers, then signs in with the same details', async () => {
    const { shop, requests } = stubApi({ 'POST /users/register': created });
    const signIn = vi.fn(async () => undefined);
    await expect(signUp(shop, details, signIn)).resolves.toBeUndefined();
    expect(requests).toEqual([{ route: 'POST /users/register', body: details }]);
    expect(signIn).toHaveBeenCalledWith(details.email, details.password);
  });

  it('sends the shopper to sign in by hand when the sign-in after registering fails', async () => {
    const { shop } = stubApi({ 'POST /users/register': created });
    await expect(signUp(shop, details, async () => ({ status: 0, message: 'offline', fields: {} }))).resolves.toBe('sign in by hand');
  });

  it('carries on as signed up when the address is taken but its password is this one: the 201 of this very sign-up was lost', async () => {
    const { shop } = stubApi({ 'POST /users/register': taken });
    const signIn = vi.fn(async () => undefined);
    await expect(signUp(shop, details, signIn)).resolves.toBeUndefined();
    expect(signIn).toHaveBeenCalledWith(details.email, details.password);
  });

  it('says the address is taken, next to the e-mail field, when its password is another', async () => {
    const { shop } = stubApi({ 'POST /users/register': taken });
    const signIn = vi.fn(async () => ({ status: 401, code: 'INVALID_CREDENTIALS', message: "The e-mail address or password isn't right.", fields: {} }));
    const problem = await signUp(shop, details, signIn);
    expect(problem).toMatchObject({ status: 409, code: 'EMAIL_TAKEN', message: 'An account with this e-mail address already exists. Sign in instead.' });
    expect(problem).toMatchObject({ fields: { email: 'An account with this e-mail address already exists. Sign in instead.' } });
    expect(signIn).toHaveBeenCalledTimes(1);
  });

  it('tries no sign-in when the registration is refused otherwise', async () => {
    const { shop } = stubApi({ 'POST /users/register': { status: 400, body: apiError('VALIDATION_FAILED', 'x', [{ field: 'password', message: 'must contain a number' }]) } });
    const signIn = vi.fn(async () => undefined);
    await expect(signUp(shop, details, signIn)).resolves.toMatchObject({ fields: { password: 'Password must contain a number.' } });
    expect(signIn).not.toHaveBeenCalled();
  });
});
