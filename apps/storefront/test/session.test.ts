import type { Session } from '@shop/api-client';
import { describe, expect, it, vi } from 'vitest';
import { shopClient } from '../src/api';
import { RENEW_BEFORE_MS, RevocationFailed, REVOKE_TRIES, type SessionAuthority, SessionStore } from '../src/session';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k), items };
}

/** The browser's clock, which the test moves; sign-ins happen at SIGNED_IN. */
const SIGNED_IN = Date.parse('2030-01-01T00:00:00.000Z');
const HOUR = 3_600_000;
/** What the API answers; its `expiresAt` is by the server's clock, which the store does not trust. */
const login = { token: 'access', tokenType: 'Bearer' as const, idToken: 'id', refreshToken: 'refresh', expiresIn: 3600, expiresAt: new Date(SIGNED_IN + HOUR).toISOString() };
const renewed = (token: string): Session => ({ token, tokenType: 'Bearer', idToken: 'id2', expiresIn: 3600, expiresAt: new Date(SIGNED_IN + 2 * HOUR).toISOString() });

function authority(renew: SessionAuthority['renew'] = async () => renewed('access-2')) {
  return { renew: vi.fn(renew), revoke: vi.fn(async () => undefined) };
}

/** A store on a clock at SIGNED_IN, signed in, with `authority` to renew through (none: `null`). */
function signedIn(options: { storage?: ReturnType<typeof memoryStorage>; api?: ReturnType<typeof authority> | null } = {}) {
  const clock = { now: SIGNED_IN };
  const session = new SessionStore(options.storage, () => clock.now);
  const api = options.api === undefined ? authority() : options.api;
  if (api) session.useAuthority(api);
  session.signIn(login, 'ann@example.com');
  return { session, clock, api };
}

describe('SessionStore', () => {
  it('keeps the access and refresh tokens for the tab, and never the ID token', () => {
    const storage = memoryStorage();
    signedIn({ storage });
    const again = new SessionStore(storage, () => SIGNED_IN);
    expect(again.token()).toBe('access');
    expect(again.get()).toEqual({ token: 'access', expiresAt: new Date(SIGNED_IN + HOUR).toISOString(), email: 'ann@example.com', refreshToken: 'refresh' });
    expect([...storage.items.values()].join()).not.toContain('"id"');
  });

  it('uses the access token as it is until shortly before it expires', () => {
    const { session, clock, api } = signedIn();
    clock.now = SIGNED_IN + HOUR - RENEW_BEFORE_MS - 1;
    expect(session.token()).toBe('access');
    expect(api?.renew).not.toHaveBeenCalled();
  });

  it('renews the access token with the refresh token shortly before it expires: once for all who ask, kept for the tab', async () => {
    const storage = memoryStorage();
    const { session, clock, api } = signedIn({ storage });
    clock.now = SIGNED_IN + HOUR - 1000;
    const heard = vi.fn();
    session.subscribe(heard);

    const [first, second] = await Promise.all([session.token(), session.token()]);

    expect([first, second]).toEqual(['access-2', 'access-2']);
    expect(api?.renew).toHaveBeenCalledTimes(1);
    expect(api?.renew).toHaveBeenCalledWith('refresh');
    expect(heard).toHaveBeenCalledTimes(1);
    expect(new SessionStore(storage, () => clock.now).get()).toMatchObject({ token: 'access-2', refreshToken: 'refresh', email: 'ann@example.com' });
    // The renewed token lives its own hour from now: no second renewal for the next requests.
    expect(session.token()).toBe('access-2');
    expect(api?.renew).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['an hour fast', HOUR + 60_000],
    ['three minutes slow', -180_000],
  ])('times the token by this browser’s clock, not the server’s expiresAt: a clock %s neither renews in a loop nor lets the token lapse', async (_, skew) => {
    const clock = { now: SIGNED_IN + skew };
    const session = new SessionStore(undefined, () => clock.now);
    const api = authority();
    session.useAuthority(api);
    session.signIn(login, 'ann@example.com');

    expect(session.token()).toBe('access');
    expect(api.renew).not.toHaveBeenCalled();
    clock.now += HOUR - 1000;
    expect(await session.token()).toBe('access-2');
    expect(session.token()).toBe('access-2');
    expect(api.renew).toHaveBeenCalledTimes(1);
  });

  it('stays signed in past the access token’s expiry while it can renew, and renews then', async () => {
    const { session, clock } = signedIn();
    clock.now = SIGNED_IN + HOUR + 60_000;
    expect(session.get()).toBeDefined();
    expect(await session.token()).toBe('access-2');
  });

  it('ends the session when the API refuses the refresh token (revoked elsewhere, or expired)', async () => {
    const storage = memoryStorage();
    const { session, clock } = signedIn({ storage, api: authority(async () => 'ended') });
    clock.now = SIGNED_IN + HOUR - 1000;

    expect(await session.token()).toBeUndefined();
    expect(session.get()).toBeUndefined();
    expect(storage.items.size).toBe(0);
  });

  it('keeps the session when the renewal could not be asked (offline): the token while it lasts, and a new try next time', async () => {
    const api = authority(async () => {
      throw new TypeError('Failed to fetch');
    });
    const { session, clock } = signedIn({ api });
    clock.now = SIGNED_IN + HOUR - 1000;

    expect(await session.token()).toBe('access');
    clock.now = SIGNED_IN + HOUR + 1;
    expect(await session.token()).toBeUndefined();
    expect(session.get()).toBeDefined();
    expect(api.renew).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['answered', (answer: (s: Session) => void) => answer(renewed('access-2'))],
    ['could not be asked', (_: unknown, fail: (e: Error) => void) => fail(new TypeError('Failed to fetch'))],
  ])('signs no request made for a session signed out while its renewal was under way (the renewal %s)', async (_, settle) => {
    let answer: (s: Session) => void = () => undefined;
    let fail: (e: Error) => void = () => undefined;
    const { session, clock } = signedIn({ api: authority(() => new Promise((resolve, reject) => ((answer = resolve), (fail = reject)))) });
    clock.now = SIGNED_IN + HOUR - 1000;

    const pending = session.token();
    await session.signOut();
    settle(answer, fail);

    expect(await pending).toBeUndefined();
    expect(session.get()).toBeUndefined();
  });

  it('signs out by forgetting the session at once and revoking its refresh token', async () => {
    const storage = memoryStorage();
    const { session, api } = signedIn({ storage });

    const out = session.signOut();
    expect(session.get()).toBeUndefined();
    expect(storage.items.size).toBe(0);
    await out;
    expect(api?.revoke).toHaveBeenCalledWith('refresh');
  });

  describe('when the revocation fails', () => {
    /** A store whose revocations answer as given, in turn (the last for good), noting what the tab held at each try and each wait. */
    function revoking(...answers: ('revoked' | Error)[]) {
      const storage = memoryStorage();
      const waits: number[] = [];
      const session = new SessionStore(storage, () => SIGNED_IN, async (ms) => void waits.push(ms));
      const heldAtEachTry: unknown[] = [];
      const revoke = vi.fn(async () => {
        heldAtEachTry.push(session.get() ?? storage.items.get('shop.session'));
        const answer = answers[Math.min(revoke.mock.calls.length, answers.length) - 1];
        if (answer instanceof Error) throw answer;
      });
      session.useAuthority({ renew: async () => renewed('access-2'), revoke });
      session.signIn(login, 'ann@example.com');
      return { session, storage, revoke, waits, heldAtEachTry };
    }

    it('tries again, a little later each time, and is done when a try goes through', async () => {
      const { session, storage, revoke, waits, heldAtEachTry } = revoking(new TypeError('Failed to fetch'), new RevocationFailed('503', undefined), 'revoked');
      const heard = vi.fn();

      const out = session.signOut();
      expect(session.get()).toBeUndefined();
      expect(storage.items.size).toBe(0);
      session.subscribe(heard);
      await out;

      expect(revoke).toHaveBeenCalledTimes(3);
      expect(revoke).toHaveBeenCalledWith('refresh');
      expect(heldAtEachTry).toEqual([undefined, undefined, undefined]);
      expect(waits).toEqual([500, 1500]);
      expect(session.signOutUnconfirmed()).toBe(false);
      expect(heard).not.toHaveBeenCalled();
    });

    it(`gives up after ${REVOKE_TRIES} tries and says so, until the next sign-in`, async () => {
      const { session, storage, revoke, heldAtEachTry } = revoking(new TypeError('Failed to fetch'));
      const heard = vi.fn();

      const out = session.signOut();
      expect(session.get()).toBeUndefined();
      expect(storage.items.size).toBe(0);
      session.subscribe(heard);
      await out;

      expect(revoke).toHaveBeenCalledTimes(REVOKE_TRIES);
      expect(heldAtEachTry).toEqual([undefined, undefined, undefined]);
      expect(session.signOutUnconfirmed()).toBe(true);
      expect(heard).toHaveBeenCalledTimes(1);
      session.signIn(login, 'ann@example.com');
      expect(session.signOutUnconfirmed()).toBe(false);
    });

    it('says nothing of it to a shopper who signed in again meanwhile', async () => {
      const { session, revoke } = revoking(new TypeError('Failed to fetch'));
      const out = session.signOut();
      session.signIn(login, 'ann@example.com');
      await out;
      expect(revoke).toHaveBeenCalledTimes(REVOKE_TRIES);
      expect(session.signOutUnconfirmed()).toBe(false);
    });

    it('waits as long as the API asks (Retry-After), within a few seconds', async () => {
      const { session, waits } = revoking(new RevocationFailed('429', 2), new RevocationFailed('429', 3600), 'revoked');
      await session.signOut();
      expect(waits).toEqual([2000, 3000]);
    });
  });

  it('forgets a session that has expired and cannot be renewed', () => {
    const storage = memoryStorage();
    const { session, clock } = signedIn({ storage, api: null });
    clock.now = SIGNED_IN + HOUR + 1;
    expect(session.token()).toBeUndefined();
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
    const clock = { now: SIGNED_IN };
    const session = new SessionStore(undefined, () => clock.now);
    const client = shopClient('http://shop.test', session, fetch);
    session.signIn(login, 'ann@example.com');
    clock.now = SIGNED_IN + HOUR - 1000;

    await client.GET('/users/me');
    await session.signOut();

    expect(seen).toEqual([
      { url: '/users/refresh', authorization: null, body: JSON.stringify({ refreshToken: 'refresh' }) },
      { url: '/users/me', authorization: 'Bearer access-2', body: '' },
      { url: '/users/logout', authorization: null, body: JSON.stringify({ refreshToken: 'refresh' }) },
    ]);
  });

  it.each([
    ['204', [answer(204)], 1, false],
    ['400 NOT_A_REFRESH_TOKEN (nothing to revoke)', [answer(400, { error: { code: 'NOT_A_REFRESH_TOKEN', message: 'x' } })], 1, false],
    ['503, then 204', [answer(503, { message: 'Service Unavailable' }), answer(204)], 2, false],
    ['429 every time', [answer(429, { error: { code: 'TOO_MANY_REQUESTS', message: 'x' } })], 3, true],
    ['400 otherwise every time', [answer(400, { error: { code: 'VALIDATION_FAILED', message: 'x' } })], 3, true],
  ])('takes a sign-out answered %s as revoked only when the API says so', async (_, answers, tries, unconfirmed) => {
    const asked: string[] = [];
    const session = new SessionStore(undefined, () => SIGNED_IN, async () => undefined);
    shopClient('http://shop.test', session, async (request) => {
      asked.push(new URL(request.url).pathname);
      return answers[Math.min(asked.length, answers.length) - 1]!.clone();
    });
    session.signIn(login, 'ann@example.com');

    await session.signOut();

    expect(asked).toEqual(Array(tries).fill('/users/logout'));
    expect(session.signOutUnconfirmed()).toBe(unconfirmed);
  });

  it('hands on the Retry-After of a refused sign-out, so that the next try waits for it', async () => {
    const waits: number[] = [];
    const session = new SessionStore(undefined, () => SIGNED_IN, async (ms) => void waits.push(ms));
    let calls = 0;
    shopClient('http://shop.test', session, async () =>
      ++calls === 1 ? new Response(null, { status: 429, headers: { 'retry-after': '2' } }) : answer(204),
    );
    session.signIn(login, 'ann@example.com');
    await session.signOut();
    expect(waits).toEqual([2000]);
  });

  it.each([
    [401, true],
    [503, false],
  ])('reads a renewal answered %i as the session ended: %s', async (status, ended) => {
    const clock = { now: SIGNED_IN };
    const session = new SessionStore(undefined, () => clock.now);
    shopClient('http://shop.test', session, async () => answer(status, { error: { code: 'X', message: 'x' } }));
    session.signIn(login, 'ann@example.com');
    clock.now = SIGNED_IN + HOUR - 1000;
    await session.token();
    expect(session.get() === undefined).toBe(ended);
  });
});
