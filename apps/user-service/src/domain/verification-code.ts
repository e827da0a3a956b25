import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * One-time verification codes: six digits from the operating system's CSPRNG, kept only as a
 * salted scrypt hash. Six digits are a million values, which a plain hash gives away in under a
 * second to anyone who can read the table; scrypt makes each guess cost about 45 ms of a core and
 * 16 MB, so trying them all takes hours, and the code is dead after ten minutes.
 */

export interface HashedCode {
  /** base64 */
  salt: string;
  /** base64 scrypt of the code with the salt */
  hash: string;
}

const KEY_BYTES = 32;
/** scrypt's cost: N = 2^14, r = 8 (16 MB), p = 1, as OWASP's minimum for passwords. */
const COST = { N: 2 ** 14, r: 8, p: 1 };

/** A fresh six-digit code, leading zeros included; `randomInt` draws without modulo bias. */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export async function hashCode(code: string, salt = randomBytes(16)): Promise<HashedCode> {
  return { salt: salt.toString('base64'), hash: (await derive(code, salt)).toString('base64') };
}

/** Whether `code` is the hashed one, compared in constant time. */
export async function codeMatches(code: string, hashed: HashedCode): Promise<boolean> {
  const expected = Buffer.from(hashed.hash, 'base64');
  const actual = await derive(code, Buffer.from(hashed.salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function derive(code: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(code, salt, KEY_BYTES, COST, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
