import type { Session } from '@shop/api-client';
import { describe, expect, it, vi } from 'vitest';
import { shopClient } from '../src/api';
import { RENEW_BEFORE_MS, type SessionAuthority, SessionStore } from '../src/session';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k), items };
}

const EXPIRES = Date.parse('2030-01-01T00:00:00.000Z');
const login = { token: 'access', tokenType: 'Bearer' as const, idToken: 'id', refreshToken: 'refresh', expiresIn: 3600, expiresAt: new Date(EXPIRES).toISOString() };
const renewed = (token: string): Session => ({ token, tokenType: 'Bearer', idToken: 'id2', expiresIn: 3600, expiresAt: new Date(EXPIRES + 3_600_000).toISOString() });

function authority(renew: SessionAuthority['renew'] = async () => renewed('access-2')) {
  return { renew: vi.fn(renew), revoke: vi.fn(async () => undefined) };
}

describe('SessionStore', () => {
  it('keeps the access and refresh tokens for the tab, and never the ID token', () => {
    const storage = memoryStorage();
    new SessionStore(storage).signIn(login, 'ann@example.com');
    const again = new SessionStore(storage);
    expect(again.token()).toBe('access');
    expect(again.get()).toEqual({ token: 'access', expiresAt: login.expiresAt, email: 'ann@example.com', refreshToken: 'refresh' });
    expect([...storage.items.values()].join()).not.toContain('"id"');
  });

  it('uses the access token as it is until shortly before it expires', () => {
    const session = new SessionStore(undefined, () => EXPIRES - RENEW_BEFORE_MS - 1);
    const api = authority();
    session.useAuthority(api);
    session.signIn(login, 'ann@example.com');
    expect(session.token()).toBe('access');
    expect(api.renew).not.toHaveBeenCalled();
  });

  it('renews the access token with the refresh token shortly before it expires: once for all who ask, kept for the tab', async () => {
    const storage = memoryStorage();
    const session = new SessionStore(storage, () => EXPIRES - 1000);
    const api = authority();
    session.useAuthority(api);
    session.signIn(login, 'ann@example.com');
    const heard = vi.fn();
    session.subscribe(heard);

    const [first, second] = await Promise.all([session.token(), session.token()]);

    expect([first, second]).toEqual(['access-2', 'access-2']);
    expect(api.renew).toHaveBeenCalledTimes(1);
    expect(api.renew).toHaveBeenCalledWith('refresh');
    expect(heard).toHaveBeenCalledTimes(1);
    expect(new SessionStore(storage).get()).toMatchObject({ token: 'access-2', refreshToken: 'refresh', email: 'ann@example.com' });
  });

  it('stays signed in past the access token’s expiry while it can renew, and renews then', async () => {
    const session = new SessionStore(undefined, () => EXPIRES + 60_000);
    session.useAuthority(authority());
    session.signIn(login, 'ann@example.com');
    expect(session.get()).toBeDefined();
    expect(await session.token()).toBe('access-2');
  });

  it('ends the session when the API refuses the refresh token (revoked elsewhere, or expired)', async () => {
    const storage = memoryStorage();
    const session = new SessionStore(storage, () => EXPIRES - 1000);
    session.useAuthority(authority(async () => 'ended'));
    session.signIn(login, 'ann@example.com');

    expect(await session.token()).toBeUndefined();
    expect(session.get()).toBeUndefined();
    expect(storage.items.size).toBe(0);
  });

  it('keeps the session when the renewal could not be asked (offline): the token while it lasts, and a new try next time', async () => {
    let now = EXPIRES - 1000;
    const session = new SessionStore(undefined, () => now);
    const api = authority(async () => {
      throw new TypeError('Failed to fetch');
    });
    session.useAuthority(api);
    session.signIn(login, 'ann@example.com');

    expect(await session.token()).toBe('access');
    now = EXPIRES + 1;
    expect(await session.token()).toBeUndefined();
    expect(session.get()).toBeDefined();
    expect(api.renew).toHaveBeenCalledTimes(2);
  });

  it('does not bring back a session signed out while its renewal was under way', async () => {
    let answer: (s: Session) => void = () => undefined;
    const session = new SessionStore(undefined, () => EXPIRES - 1000);
    session.useAuthority(authority(() => new Promise((resolve) => (answer = resolve))));
    session.signIn(login, 'ann@example.com');

    const pending = session.token();
    await session.signOut();
    answer(renewed('access-2'));

    expect(await pending).toBeUndefined();
    expect(session.get()).toBeUndefined();
  });

  it('signs out by forgetting the session at once and revoking its refresh token', async () => {
    const storage = memoryStorage();
    const session = new SessionStore(storage);
    const api = authority();
    session.useAuthority(api);
    session.signIn(login, 'ann@example.com');

    const out = session.signOut();
    expect(session.get()).toBeUndefined();
    expect(storage.items.size).toBe(0);
    await out;
    expect(api.revoke).toHaveBeenCalledWith('refresh');
  });

  it('forgets a session that has expired and cannot be renewed', () => {
    const storage = memoryStorage();
    const late = new SessionStore(storage, () => EXPIRES + 1);
    late.signIn({ ...login, refreshToken: undefined as unknown as string }, 'ann@example.com');
    expect(late.token()).toBeUndefined();
    expect(storage.items.size).toBe(0);
  });

  it('tells its listeners of a sign-in and a sign-out', async () => {
    const session = new SessionStore(undefined);
    let calls = 0;
    session.subscribe(() => calls++);
    session.signIn(login, 'a@example.com');
    await session.signOut();
    expect(calls).toBe(2);
  });
});

describe('the app’s client and its session', () => {
  const answer = (status: number, body?: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('renews through POST /users/refresh, unsigned, then signs the request with the new token; signs out through POST /users/logout', async () => {
    const seen: { url: string; authorization: string | null; body: string }[] = [];
    const fetch = async (request: Request) => {
      seen.push({ url: new URL(request.url).pathname, authorization: request.headers.get('authorization'), body: await request.clone().text() });
      if (request.url.endsWith('/users/refresh')) return answer(200, renewed('access-2'));
      if (request.url.endsWith('/users/logout')) return answer(204);
      return answer(200, {});
    };
    const session = new SessionStore(undefined, () => EXPIRES - 1000);
    const client = shopClient('http://shop.test', session, fetch);
    session.signIn(login, 'ann@example.com');

    await client.GET('/users/me');
    await session.signOut();

    expect(seen).toEqual([
      { url: '/users/refresh', authorization: null, body: JSON.stringify({ refreshToken: 'refresh' }) },
      { url: '/users/me', authorization: 'Bearer access-2', body: '' },
      { url: '/users/logout', authorization: null, body: JSON.stringify({ refreshToken: 'refresh' }) },
    ]);
  });

  it.each([
    [401, 'ended'],
    [503, 'could not ask'],
  ])('reads a renewal answered %i as %s', async (status) => {
    const session = new SessionStore(undefined, () => EXPIRES - 1000);
    shopClient('http://shop.test', session, async () => answer(status, { error: { code: 'X', message: 'x' } }));
    session.signIn(login, 'ann@example.com');
    await session.token();
    expect(session.get() === undefined).toBe(status === 401);
  });
});
