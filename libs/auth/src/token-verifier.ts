import { CognitoJwtVerifier } from 'aws-jwt-verify';
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

/** Verifies Cognito access tokens: signature, issuer, expiry, `token_use` and `client_id`. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: options.userPoolId,
    tokenUse: 'access',
    clientId: options.clientId,
  });
  if (options.jwks) verifier.cacheJwks(options.jwks);
  return { verify: (token) => verifier.verify(token) };
}
