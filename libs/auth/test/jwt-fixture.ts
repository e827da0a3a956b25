import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A signing key and its JWKS, so tests can mint tokens exactly as Cognito shapes them. */
export function signingKey(kid = 'test-key') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, alg: 'RS256', use: 'sig' };
  return { privateKey, kid, jwks: { keys: [jwk] } };
}

export function signJwt(privateKey: KeyObject, kid: string, payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', kid, typ: 'JWT' })}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}
