import type { Role } from '@shop/contracts';

export interface NewAccount {
  email: string;
  password: string;
  name: string;
}

/** What a successful sign-in yields. */
export interface SessionTokens {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

/**
 * The user directory (the Cognito user pool). Accounts are addressed by email, which is
 * their username. Implementations translate the directory's failures into the typed errors
 * of `./errors`.
 */
export interface AccountDirectory {
  /** Creates an unconfirmed account; throws EmailTakenError or InvalidPasswordError. */
  signUp(account: NewAccount): Promise<{ userId: string }>;
  confirm(email: string): Promise<void>;
  addToGroup(email: string, group: Role): Promise<void>;
  remove(email: string): Promise<void>;
  /**
   * The account of `email`, when `password` is its password: its id and whether it is confirmed.
   * Undefined for a wrong password (or no account). How a registration that stopped halfway is told
   * from someone else's: only the caller who made it knows the password it was made with.
   */
  heldWith(email: string, password: string): Promise<{ userId: string; confirmed: boolean } | undefined>;
  /** Throws InvalidCredentialsError for every kind of wrong email or password. */
  signIn(email: string, password: string): Promise<SessionTokens>;
  /**
   * New access and ID tokens for a refresh token, with the account's groups as they are now; no
   * new refresh token. Throws InvalidRefreshTokenError for one that is expired, revoked or unknown.
   */
  refresh(refreshToken: string): Promise<SessionTokens>;
  /**
   * Revokes a refresh token, and with it the access tokens made from it. A token that is unknown
   * or revoked already counts as revoked (RFC 7009, section 2.2).
   */
  revoke(refreshToken: string): Promise<void>;
}
