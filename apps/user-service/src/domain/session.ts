import type { LoginResponse } from '@shop/contracts';
import type { SessionTokens } from './account-directory';

/** The login answer: the access token is the bearer token; `expiresAt` saves clients the arithmetic. */
export function toLoginResponse(tokens: SessionTokens, now: Date): LoginResponse {
  return {
    token: tokens.accessToken,
    tokenType: 'Bearer',
    idToken: tokens.idToken,
    ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
    expiresIn: tokens.expiresIn,
    expiresAt: new Date(now.getTime() + tokens.expiresIn * 1000).toISOString(),
  };
}
