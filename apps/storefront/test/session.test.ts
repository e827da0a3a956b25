import { describe, expect, it } from 'vitest';
import { SessionStore } from '../src/session';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k), items };
}

const login = { token: 'access', tokenType: 'Bearer' as const, idToken: 'id', refreshToken: 'refresh', expiresIn: 3600, expiresAt: '2030-01-01T00:00:00.000Z' };

describe('SessionStore', () => {
  it('keeps the access token for the tab, and never the refresh or ID token', () => {
    const storage = memoryStorage();
    new SessionStore(storage).signIn(login, 'ann@example.com');
    expect(new SessionStore(storage).token()).toBe('access');
    expect([...storage.items.values()].join()).not.toMatch(/refresh|"id"/);
  });

  it('forgets the token on sign-out, and once it has expired', () => {
    const storage = memoryStorage();
    const session = new SessionStore(storage);
    session.signIn(login, 'ann@example.com');
    session.clear();
    expect(session.get()).toBeUndefined();
    expect(storage.items.size).toBe(0);

    const late = new SessionStore(storage, () => Date.parse('2031-01-01T00:00:00Z'));
    late.signIn(login, 'ann@example.com');
    expect(late.token()).toBeUndefined();
  });

  it('tells its listeners of a sign-in and a sign-out', () => {
    const session = new SessionStore(undefined);
    let calls = 0;
    session.subscribe(() => calls++);
    session.signIn(login, 'a@example.com');
    session.clear();
    expect(calls).toBe(2);
  });
});
