import type { Session } from '@shop/api-client';

/** What the app keeps of a sign-in: the access token, when it expires, and the refresh token that renews it. Never the ID token. */
export interface SignedIn {
  token: string;
  expiresAt: string;
  email: string;
  refreshToken?: string;
}

/**
 * How the store reaches the API for its session (user-service): `renew` answers new tokens for a
 * refresh token, `'ended'` when the API refused it (revoked, expired), and throws when it could
 * not ask; `revoke` ends the session of a refresh token, and throws unless the API said it did
 * (or that there was nothing to end): a RevocationFailed when it answered otherwise.
 */
export interface SessionAuthority {
  renew(refreshToken: string): Promise<Session | 'ended'>;
  revoke(refreshToken: string): Promise<void>;
}

/** The API answered a revocation without revoking: the refresh token is as good as it was. */
export class RevocationFailed extends Error {
  /** `retryAfterSeconds`: how long the API asked to wait before trying again (Retry-After), when it said. */
  constructor(
    message: string,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message);
    this.name = 'RevocationFailed';
  }
}

const KEY = 'shop.session';

/** Renew this long before the access token expires, so that no request goes out with a token about to lapse. */
export const RENEW_BEFORE_MS = 60_000;

/** How many times a sign-out asks the API to revoke its refresh token before it tells the shopper it could not. */
export const REVOKE_TRIES = 3;

/** The wait before each further try: short, since the shopper has just left; a Retry-After longer than the cap is cut to it. */
const REVOKE_BACKOFF_MS = [500, 1_500];
const REVOKE_WAIT_CAP_MS = 3_000;

/**
 * The signed-in shopper's tokens: in memory, and in sessionStorage so that a reload of the tab
 * keeps the shopper signed in. Never localStorage: the session dies with the tab, and another tab
 * or a later visit signs in again. The access token is renewed with the refresh token shortly
 * before it expires, so a tab stays signed in while it is open; signing out revokes the refresh
 * token (`POST /users/logout`) and forgets both everywhere.
 */
export class SessionStore {
  private current: SignedIn | undefined;
  private renewal: Promise<string | undefined> | undefined;
  private authority: SessionAuthority | undefined;
  private unconfirmed = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.current = this.read();
  }

  /** Where renewals and sign-outs go; without one, a session ends when its access token expires. */
  useAuthority(authority: SessionAuthority): void {
    this.authority = authority;
  }

  /** The session, while its access token is valid or it can be renewed. */
  get(): SignedIn | undefined {
    if (this.current && this.expired(this.current, 0) && !this.renewable(this.current)) this.clear();
    return this.current;
  }

  /** The access token for a request: renewed first when it is about to expire (one renewal for all who ask at once). */
  token(): string | undefined | Promise<string | undefined> {
    const current = this.get();
    if (!current || !this.expired(current, RENEW_BEFORE_MS) || !this.renewable(current)) return current?.token;
    this.renewal ??= this.renew(current).finally(() => (this.renewal = undefined));
    return this.renewal;
  }

  signIn(session: Session, email: string): void {
    this.unconfirmed = false;
    this.keep({ token: session.token, expiresAt: this.expiryOf(session), email, ...(session.refreshToken ? { refreshToken: session.refreshToken } : {}) });
  }

  /**
   * Forgets the session here at once, then revokes its refresh token, so that a copy of it is worth
   * nothing: tried REVOKE_TRIES times, a little apart (longer when the API asks, within a cap).
   * When no try went through, `signOutUnconfirmed()` says so until the next sign-in: the token
   * stays good wherever a copy of it is, until it expires, and the shopper must be told.
   */
  async signOut(): Promise<void> {
    const refreshToken = this.current?.refreshToken;
    this.clear();
    if (!refreshToken || !this.authority) return;
    for (let tries = 1; ; tries++) {
      try {
        await this.authority.revoke(refreshToken);
        return;
      } catch (error) {
        if (tries >= REVOKE_TRIES) break;
        await this.sleep(this.revokeWait(tries, error));
      }
    }
    // Signed in again meanwhile: "you're signed out here" would be wrong now.
    if (this.current) return;
    this.unconfirmed = true;
    this.notify();
  }

  /** Whether the last sign-out could not be confirmed by the API (its refresh token may still work elsewhere until it expires). */
  signOutUnconfirmed(): boolean {
    return this.unconfirmed;
  }

  /** Forgets the session here (the API refused its token); nothing is revoked. */
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

  private async renew(session: SignedIn): Promise<string | undefined> {
    let renewed: Session | 'ended';
    try {
      renewed = await this.authority!.renew(session.refreshToken!);
    } catch {
      // Signed out, or in as someone else, meanwhile: no token of this session goes out any more.
      if (this.current !== session) return undefined;
      // Could not ask (offline): the token as it is while it lasts; the next request asks again.
      return this.expired(session, 0) ? undefined : session.token;
    }
    // Signed out, or signed in afresh, while the renewal was under way: that stands, and a request
    // made for the session that ended goes out unsigned rather than as someone else.
    if (this.current !== session) return undefined;
    if (renewed === 'ended') {
      this.clear();
      return undefined;
    }
    this.keep({ ...session, token: renewed.token, expiresAt: this.expiryOf(renewed) });
    return renewed.token;
  }

  /** How long to wait after a failed revocation: the API's Retry-After when it gave one, within the cap; else the backoff. */
  private revokeWait(tries: number, error: unknown): number {
    const asked = error instanceof RevocationFailed ? error.retryAfterSeconds : undefined;
    const backoff = REVOKE_BACKOFF_MS[Math.min(tries, REVOKE_BACKOFF_MS.length) - 1]!;
    return Math.min(asked === undefined ? backoff : asked * 1000, REVOKE_WAIT_CAP_MS);
  }

  /**
   * When the token expires by this browser's clock: `expiresIn` from now, not the server's
   * `expiresAt`, so that a clock set wrong (an hour fast, a few minutes slow) neither renews in a
   * loop nor lets the token lapse before its renewal.
   */
  private expiryOf(session: Pick<Session, 'expiresIn'>): string {
    return new Date(this.now() + session.expiresIn * 1000).toISOString();
  }

  private keep(session: SignedIn): void {
    this.current = session;
    this.storage?.setItem(KEY, JSON.stringify(session));
    this.notify();
  }

  private expired(session: SignedIn, withinMs: number): boolean {
    return Date.parse(session.expiresAt) - withinMs <= this.now();
  }

  private renewable(session: SignedIn): boolean {
    return session.refreshToken !== undefined && this.authority !== undefined;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private read(): SignedIn | undefined {
    try {
      const stored = JSON.parse(this.storage?.getItem(KEY) ?? 'null') as Partial<SignedIn> | null;
      if (stored && typeof stored.token === 'string' && typeof stored.expiresAt === 'string' && typeof stored.email === 'string') {
        const refreshToken = typeof stored.refreshToken === 'string' ? { refreshToken: stored.refreshToken } : {};
        return { token: stored.token, expiresAt: stored.expiresAt, email: stored.email, ...refreshToken };
      }
    } catch {
      // A damaged entry is no session.
    }
    return undefined;
  }
}
