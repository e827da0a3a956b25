import { randomUUID } from 'node:crypto';
import type { ApiClient, AuthenticatedClient } from './api-client';

/** A password that meets the pool's policy. */
export const TEST_PASSWORD = 'Test-Passw0rd';

/** An email no other test uses, so tests can run against shared (even deployed) data. */
export function uniqueEmail(label = 'customer'): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

export interface SignedInUser {
  userId: string;
  email: string;
  token: string;
  api: AuthenticatedClient;
}

/** Signs in through `POST /users/login`; fails loudly, since a test that needs a user cannot go on without one. */
export async function signIn(api: ApiClient, email: string, password: string): Promise<SignedInUser> {
  const login = await api.post('/users/login', { email, password });
  if (login.status !== 200) throw new Error(`login as ${email} answered ${login.status}: ${JSON.stringify(login.body)}`);
  const token: string = login.body.token;
  const me = await api.get('/users/me', { token });
  if (me.status !== 200) throw new Error(`GET /users/me as ${email} answered ${me.status}`);
  return { userId: me.body.userId, email, token, api: api.as(token) };
}

/** Registers a new customer through the API (with a phone number for SMS, or an email of one's choosing) and signs them in. */
export async function newCustomer(api: ApiClient, name = 'Test Customer', extra: { email?: string; phone?: string } = {}): Promise<SignedInUser> {
  const email = extra.email ?? uniqueEmail();
  const registered = await api.post('/users/register', { email, password: TEST_PASSWORD, name, ...(extra.phone && { phone: extra.phone }) });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  return signIn(api, email, TEST_PASSWORD);
}
