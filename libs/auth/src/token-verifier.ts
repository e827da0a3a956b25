import type { CognitoJwtVerifier as Verifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { CognitoAccessTokenPayload } from 'aws-jwt-verify/jwt-model';

export interface TokenVerifierOptions {
  userPoolId: string;
  clientId: string;
  /** Pre-loaded signing keys; without them the verifier fetches the pool's JWKS over https. */
  jwks?: Jwks;
}

export interface TokenVerifier {
  /** Resolves to the token's claims, or rejects when the token is forged, expired or not for this client. */
  verify(token: string): Promise<CognitoAccessTokenPayload>;
}

/**
 * Verifies Cognito access tokens: signature, issuer, expiry, `token_use` and `client_id`.
 *
 * `aws-jwt-verify` is required here, when a verifier is made, not at the top of the module: it
 * loads node's https, tls and crypto as it loads, and this module ships in the auth layer that
 * every HTTP function loads in its cold start, where API Gateway has already verified the token
 * and nothing calls this (docs/performance.md, "Cold start"). `require`, not `import()`: the
 * local cloud matches the package's error classes by `instanceof`, so both must be the same
 * CommonJS copy.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CognitoJwtVerifier } = require('aws-jwt-verify') as { CognitoJwtVerifier: typeof Verifier };
  const verifier = CognitoJwtVerifier.create({
    userPoolId: options.userPoolId,
    tokenUse: 'access',
    clientId: options.clientId,
  });
  if (options.jwks) verifier.cacheJwks(options.jwks);
  return { verify: (token) => verifier.verify(token) };
}
