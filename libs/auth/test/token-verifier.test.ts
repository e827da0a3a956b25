import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../src';
import { signingKey, signJwt } from './jwt-fixture';

const userPoolId = 'us-east-1_TestPool1';
const clientId = 'client-123';
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;
const key = signingKey();
const verifier = createTokenVerifier({ userPoolId, clientId, jwks: key.jwks as never });

function accessToken(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: 'user-1',
    iss: issuer,
    client_id: clientId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    'cognito:groups': ['CUSTOMER'],
    username: 'user-1',
    iat: now,
    auth_time: now,
    exp: now + 3600,
    jti: 'jti-1',
    ...overrides,
  };
}

/** What every refusal must be: the verifier's reason, never its message, which can quote the claims. */
const expired = { name: 'TokenRejectedError', reason: 'expired', message: 'Token expired' };
const invalid = { name: 'TokenRejectedError', reason: 'invalid', message: 'Invalid token' };

describe('createTokenVerifier', () => {
  it('accepts a Cognito access token for this pool and client', async () => {
    const claims = await verifier.verify(signJwt(key.privateKey, key.kid, accessToken()));
    expect(claims.sub).toBe('user-1');
    expect(claims['cognito:groups']).toEqual(['CUSTOMER']);
  });

  it('rejects an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    await expect(verifier.verify(signJwt(key.privateKey, key.kid, accessToken({ iat: past, exp: past + 3600 })))).rejects.toMatchObject(expired);
  });

  it('rejects a tampered token', async () => {
    const token = signJwt(key.privateKey, key.kid, accessToken());
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify(accessToken({ 'cognito:groups': ['ADMIN'] }))).toString('base64url');
    await expect(verifier.verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject(invalid);
  });

  it('rejects a token signed by another key', async () => {
    const other = signingKey();
    await expect(verifier.verify(signJwt(other.privateKey, key.kid, accessToken()))).rejects.toMatchObject(invalid);
  });

  it('rejects a token for another client, another pool, or an id token', async () => {
    await expect(verifier.verify(signJwt(key.privateKey, key.kid, accessToken({ client_id: 'other' })))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(signJwt(key.privateKey, key.kid, accessToken({ iss: `${issuer}x` })))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(signJwt(key.privateKey, key.kid, accessToken({ token_use: 'id' })))).rejects.toMatchObject(invalid);
  });
});
