import type { Profile } from '@shop/api-client';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it, vi } from 'vitest';
import { type Problem, problemFromAnswer } from '../src/problem';
import { SessionStore } from '../src/session';
import { type Shop, ShopContext } from '../src/shop-context';
import { confirmsDeletion, deleteAccount } from '../src/shop/account-deletion';
import { DeletionCard } from '../src/shop/account-page';
import { AccountDeletedNotice } from '../src/shop/sign-out-notice';
import { apiError, stubApi } from './stub-api';

const profile = (changes: Partial<Profile> = {}): Profile => ({
  userId: 'u-1',
  email: 'ann@example.com',
  emailVerified: true,
  name: 'Ann Shopper',
  role: 'CUSTOMER',
  createdAt: '2030-01-01T00:00:00.000Z',
  ...changes,
});

const login = { token: 'access', tokenType: 'Bearer' as const, idToken: 'id', refreshToken: 'refresh', expiresIn: 3600, expiresAt: '2099-01-01T00:00:00.000Z' };

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k), items };
}

/** A shop whose API answers `DELETE /users/me` with `answers`, signed in as Ann, with her tokens in the tab's sessionStorage. */
function signedInShop(answers: Parameters<typeof stubApi>[0]) {
  const { shop, requests } = stubApi(answers);
  const storage = memoryStorage();
  const session = new SessionStore(storage);
  const revoke = vi.fn(async () => undefined);
  session.useAuthority({ renew: async () => 'ended', revoke });
  session.signIn(login, 'ann@example.com');
  return { shop: { ...shop, session }, session, storage, requests, revoke };
}

/** The deletion section as the page shows it. */
const card = (typed: string, { busy = false, problem, shown = profile() }: { busy?: boolean; problem?: Problem; shown?: Profile } = {}) =>
  renderToString(<DeletionCard profile={shown} typed={typed} busy={busy} problem={problem} onType={() => undefined} onDelete={() => undefined} />);

/** The deletion's button as the page shows it: its words, and whether it is disabled. */
const button = (html: string) => html.match(/<button type="submit" class="danger"( disabled)?>([^<]*)<\/button>/)?.slice(1);

/** The notice the pages show above their content, for this session. */
const notice = (session: SessionStore) =>
  renderToString(
    <ShopContext.Provider value={{ session } as Shop}>
      <AccountDeletedNotice />
    </ShopContext.Provider>,
  );

/** The text a screen reader reads, without the markup. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;|&#x27;/g, "'").replace(/\s+/g, ' ');

describe('deleting the account', () => {
  it('says what is deleted and what is kept, with a labelled field for the word that confirms it', () => {
    const html = card('');
    expect(html).toContain('<h2 id="delete-account">Delete my account</h2>');
    expect(html).toContain('aria-labelledby="delete-account"');
    expect(text(html)).toContain("This deletes your name, e-mail address, mobile number and cart, and you can't sign in to this account again.");
    expect(text(html)).toContain('Your orders are kept');
    expect(text(html)).toContain('An order in progress still finishes, and a refund still reaches your card, but no e-mails or text messages will be sent about them.');
    expect(html).toContain('<label for="field-delete-confirmation">Type DELETE to confirm</label>');
    expect(html).toMatch(/<input id="field-delete-confirmation" name="delete-confirmation" aria-describedby="field-delete-confirmation-hint" autocomplete="off"/);
  });

  it('keeps its button disabled until the word is typed, so that no stray click deletes an account', () => {
    expect(button(card(''))).toEqual([' disabled', 'Delete my account']);
    expect(button(card('DELET'))).toEqual([' disabled', 'Delete my account']);
    expect(button(card('yes'))).toEqual([' disabled', 'Delete my account']);
    expect(button(card('DELETE'))).toEqual([undefined, 'Delete my account']);
    // The word as typed on a phone (capitalised, a space after it) confirms as well.
    expect(confirmsDeletion(' Delete ')).toBe(true);
    expect(confirmsDeletion('DELETE ME')).toBe(false);
  });

  it('disables its button while the request runs', () => {
    expect(button(card('DELETE', { busy: true }))).toEqual([' disabled', 'Deleting your account…']);
  });

  it('ends the session in the tab on 204, tokens gone from sessionStorage, and the pages then say the account is deleted', async () => {
    const { shop, session, storage, requests, revoke } = signedInShop({ 'DELETE /users/me': { status: 204 } });
    expect(storage.getItem('shop.session')).not.toBeNull();
    expect(text(notice(session))).not.toContain('deleted');

    const refused = await deleteAccount(shop);

    expect(refused).toBeUndefined();
    expect(requests).toEqual([{ route: 'DELETE /users/me', body: undefined }]);
    expect(session.get()).toBeUndefined();
    expect(storage.getItem('shop.session')).toBeNull();
    // The refresh token died with the account's user: there is nothing to revoke.
    expect(revoke).not.toHaveBeenCalled();
    const html = notice(session);
    expect(html).toContain('role="status"');
    expect(text(html)).toContain("Your account is deleted, and you're signed out.");

    // Until the next sign-in.
    session.signIn(login, 'bob@example.com');
    expect(text(notice(session))).not.toContain('deleted');
  });

  it('says nothing was lost when a step failed midway (503 DELETION_INCOMPLETE), keeps the session, and offers the same request again', async () => {
    const { shop, session, storage, requests } = signedInShop({
      'DELETE /users/me': [{ status: 503, body: apiError('DELETION_INCOMPLETE'), headers: { 'retry-after': '1' } }, { status: 204 }],
    });

    const problem = await deleteAccount(shop);

    expect(problem).toMatchObject({ status: 503, code: 'DELETION_INCOMPLETE' });
    expect(problem?.message).toBe("We couldn't finish deleting your account just now. Try again now, from this page: it picks up where it stopped.");
    expect(session.get()?.email).toBe('ann@example.com');
    expect(storage.getItem('shop.session')).not.toBeNull();
    expect(text(notice(session))).not.toContain('deleted');
    const html = card('DELETE', { problem: problem! });
    expect(html).toMatch(/<div class="alert alert-bad" role="alert"><p>We couldn(&#39;|')t finish deleting your account just now\. Try again now, from this page/);
    expect(button(html)).toEqual([undefined, 'Try again to delete my account']);

    // The same request again finishes the job.
    expect(await deleteAccount(shop)).toBeUndefined();
    expect(requests.map((r) => r.route)).toEqual(['DELETE /users/me', 'DELETE /users/me']);
    expect(session.get()).toBeUndefined();
  });

  it('says a staff account is closed by an administrator (403), and keeps the session', async () => {
    const { shop, session } = signedInShop({ 'DELETE /users/me': { status: 403, body: apiError('FORBIDDEN', 'An account with a staff role (ADMIN or MANAGER) is closed by an administrator') } });

    const problem = await deleteAccount(shop);

    expect(problem?.message).toBe('A staff account (admin or manager) is closed by an administrator: ask one to close yours. Nothing was deleted.');
    expect(text(card('DELETE', { problem: problem! }))).toContain('A staff account (admin or manager) is closed by an administrator');
    expect(session.get()).toBeDefined();
  });

  it('offers a staff account no button at all: its profile says its role', () => {
    for (const role of ['ADMIN', 'MANAGER'] as const) {
      const html = card('', { shown: profile({ role }) });
      expect(text(html)).toContain('A staff account (admin or manager) is closed by an administrator: ask one to close yours.');
      expect(html).not.toContain('<button');
      expect(html).not.toContain('field-delete-confirmation');
    }
  });

  it('ends the session as every page does when the API says it has ended (401), without saying the account is deleted', async () => {
    const { shop, session } = signedInShop({ 'DELETE /users/me': { status: 401, body: { message: 'Unauthorized' } } });

    const problem = await deleteAccount(shop);

    expect(problem?.message).toBe('Your session has ended. Please sign in again.');
    expect(session.get()).toBeUndefined();
    expect(text(notice(session))).not.toContain('deleted');
  });

  it('sends one request for a double click: the second press gets the answer of the first', async () => {
    const { shop, requests } = signedInShop({ 'DELETE /users/me': { status: 204 } });

    const [first, second] = await Promise.all([deleteAccount(shop), deleteAccount(shop)]);

    expect([first, second]).toEqual([undefined, undefined]);
    expect(requests).toHaveLength(1);
  });
});

describe('what the cart routes answer a deleted account', () => {
  it('is said in words (another tab, still signed in)', () => {
    expect(problemFromAnswer(401, apiError('ACCOUNT_DELETED', 'This account was deleted'), 'cart').message).toBe('This account was deleted. Create a new account to shop again.');
  });
});
