import type { Session } from '@shop/api-client';

/** What the app keeps of a sign-in: the access token and when it expires. Never the refresh or ID token. */
export interface SignedIn {
  token: string;
  expiresAt: string;
  email: string;
}

const KEY = 'shop.session';

/**
 * The signed-in shopper's access token: in memory, and in sessionStorage so that a reload of the
 * tab keeps the shopper signed in. Never localStorage: the token dies with the tab, and another
 * tab or a later visit signs in again. Signing out forgets it everywhere.
 */
export class SessionStore {
  private current: SignedIn | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.current = this.read();
  }

  /** The session, while its token is valid. */
  get(): SignedIn | undefined {
    if (this.current && Date.parse(this.current.expiresAt) <= this.now()) this.clear();
    return this.current;
  }

  token(): string | undefined {
    return this.get()?.token;
  }

  signIn(session: Session, email: string): void {
    this.current = { token: session.token, expiresAt: session.expiresAt, email };
    this.storage?.setItem(KEY, JSON.stringify(this.current));
    this.notify();
  }

  clear(): void {
    const had = this.current !== undefined;
    this.current = undefined;
    this.storage?.removeItem(KEY);
    if (had) this.notify();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private read(): SignedIn | undefined {
    try {
      const stored = JSON.parse(this.storage?.getItem(KEY) ?? 'null') as Partial<SignedIn> | null;
      if (stored && typeof stored.token === 'string' && typeof stored.expiresAt === 'string' && typeof stored.email === 'string') {
        return { token: stored.token, expiresAt: stored.expiresAt, email: stored.email };
      }
    } catch {
      // A damaged entry is no session.
    }
    return undefined;
  }
}
