import { randomUUID } from 'node:crypto';
import type { ApiClient, AuthenticatedClient } from './api-client';

/** How the shop's verification e-mail and SMS give the code. */
const VERIFICATION_CODE = /verification code is (\d{6})/;

/** A password that meets the pool's policy. */
export const TEST_PASSWORD = 'Test-Passw0rd';

/** An email no other test uses, so tests can run against shared (even deployed) data. */
export function uniqueEmail(label = 'customer'): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

export interface SignedInUser {
  userId: string;
  email: string;
  /** The phone number on the profile, when there is one. */
  phone?: string;
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
  return { userId: me.body.userId, email, ...(me.body.phone && { phone: me.body.phone }), token, api: api.as(token) };
}

/** Registers a new customer through the API (with a phone number for SMS, or an email of one's choosing) and signs them in. */
export async function newCustomer(api: ApiClient, name = 'Test Customer', extra: { email?: string; phone?: string } = {}): Promise<SignedInUser> {
  const email = extra.email ?? uniqueEmail();
  const registered = await api.post('/users/register', { email, password: TEST_PASSWORD, name, ...(extra.phone && { phone: extra.phone }) });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  return signIn(api, email, TEST_PASSWORD);
}

/**
 * Verifies a signed-in user's e-mail address and phone through the API, as the customer would:
 * asks for a code on each channel, reads it where it landed (the local cloud's outbox) and
 * confirms it. The shop writes only to verified channels, so a test that reads a customer's
 * messages verifies them first. Local cloud only: a deployed stage has no outbox to read.
 */
export async function verifyContacts(client: AuthenticatedClient, contacts: { email?: string; phone?: string }): Promise<void> {
  for (const [channel, to] of [['email', contacts.email], ['sms', contacts.phone]] as const) {
    if (!to) continue;
    const earlier = (await codesSentTo(client, to)).length;
    const asked = await client.post('/users/me/verification', { channel });
    if (asked.status !== 202) throw new Error(`POST /users/me/verification (${channel}) answered ${asked.status}: ${JSON.stringify(asked.body)}`);
    const code = await readVerificationCode(client, to, earlier);
    const confirmed = await client.post('/users/me/verification/confirm', { channel, code });
    if (confirmed.status !== 200) throw new Error(`confirming the ${channel} code answered ${confirmed.status}: ${JSON.stringify(confirmed.body)}`);
  }
}

/**
 * The newest verification code the shop sent to an address or number, once more than `earlier`
 * codes went there, from the local cloud's outbox (`GET /_local/outbox`).
 */
export async function readVerificationCode(api: ApiClient, to: string, earlier = 0, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const codes = await codesSentTo(api, to);
    const newest = codes.at(-1);
    if (newest && codes.length > earlier) return newest;
    if (Date.now() > deadline) throw new Error(`no new verification code for ${to} in the outbox`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every verification code in the outbox for an address or number, oldest first. */
async function codesSentTo(api: ApiClient, to: string): Promise<string[]> {
  const outbox = await api.get(`/_local/outbox?to=${encodeURIComponent(to)}`);
  if (outbox.status !== 200) throw new Error(`GET /_local/outbox answered ${outbox.status}: is this the local cloud?`);
  return (outbox.body.messages as { text: string }[]).flatMap((m) => VERIFICATION_CODE.exec(m.text)?.[1] ?? []);
}

/** Whether an outbox message is a verification code rather than news of an order. */
export function isVerificationCode(message: { text: string }): boolean {
  return VERIFICATION_CODE.test(message.text);
}

/** A new customer whose e-mail address (and phone, when given) is verified: one the shop writes to. */
export async function newVerifiedCustomer(api: ApiClient, name = 'Test Customer', extra: { email?: string; phone?: string } = {}): Promise<SignedInUser> {
  const customer = await newCustomer(api, name, extra);
  await verifyContacts(customer.api, { email: customer.email, ...(customer.phone && { phone: customer.phone }) });
  return customer;
}
