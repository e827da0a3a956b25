import type { CognitoJwtVerifier as Verifier } from 'aws-jwt-verify';
import type { JwtExpiredError as ExpiredError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { CognitoAccessTokenPayload } from 'aws-jwt-verify/jwt-model';

export interface TokenVerifierOptions {
  userPoolId: string;
  clientId: string;
  /** Pre-loaded signing keys; without them the verifier fetches the pool's JWKS over https. */
  jwks?: Jwks;
}

/** Why a token was refused; the verifier's own message stays inside, as it can quote the token's claims. */
export class TokenRejectedError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'Token expired' : 'Invalid token');
    this.name = 'TokenRejectedError';
  }
}

export interface TokenVerifier {
  /** Resolves to the token's claims, or rejects with a {@link TokenRejectedError} when the token is forged, expired or not for this client. */
  verify(token: string): Promise<CognitoAccessTokenPayload>;
}

/**
 * Verifies Cognito access tokens: signature, issuer, expiry, `token_use` and `client_id`.
 *
 * `aws-jwt-verify` is required here, when a verifier is made, not at the top of the module: it
 * loads node's https, tls and crypto as it loads, and this module ships in the auth layer that
 * every HTTP function loads in its cold start, where API Gateway has already verified the token
 * and nothing calls this (docs/performance.md, "Cold start").
 *
 * Errors are classified here, against the copy of the package that threw them: a caller that
 * imported `aws-jwt-verify/error` itself may hold the ES module copy, whose classes never match
 * the CommonJS copy's errors by `instanceof` (a fresh-clone CI run refused an expired token as
 * "Invalid token" that way).
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CognitoJwtVerifier } = require('aws-jwt-verify') as { CognitoJwtVerifier: typeof Verifier };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { JwtExpiredError } = require('aws-jwt-verify/error') as { JwtExpiredError: typeof ExpiredError };
  const verifier = CognitoJwtVerifier.create({
    userPoolId: options.userPoolId,
    tokenUse: 'access',
    clientId: options.clientId,
  });
  if (options.jwks) verifier.cacheJwks(options.jwks);
  return {
    verify: (token) =>
      verifier.verify(token).catch((error: unknown) => {
        throw new TokenRejectedError(error instanceof JwtExpiredError ? 'expired' : 'invalid');
      }),
  };
}
