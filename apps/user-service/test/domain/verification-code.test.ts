import { describe, expect, it } from 'vitest';
import { codeMatches, hashCode, newCode } from '../../src/domain/verification-code';

describe('verification codes', () => {
  it('are six digits, leading zeros kept, and spread over the whole range', () => {
    const codes = Array.from({ length: 2000 }, newCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    // Each first digit turns up about 200 times in 2000: no digit is favoured or missing.
    const firstDigits = new Set(codes.map((c) => c[0]));
    expect(firstDigits.size).toBe(10);
  });

  it('are kept as a salted hash that holds nothing of the code', async () => {
    const hashed = await hashCode('042817');
    expect(JSON.stringify(hashed)).not.toContain('042817');
    expect(Buffer.from(hashed.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(hashed.hash, 'base64')).toHaveLength(32);
    // The same code hashes differently each time: a table of hashes gives nothing away.
    expect((await hashCode('042817')).hash).not.toBe(hashed.hash);
  });

  it('match only the code that was hashed', async () => {
    const hashed = await hashCode('042817');
    expect(await codeMatches('042817', hashed)).toBe(true);
    expect(await codeMatches('042818', hashed)).toBe(false);
    expect(await codeMatches('42817', hashed)).toBe(false);
    expect(await codeMatches('042817', { ...hashed, hash: Buffer.alloc(8).toString('base64') })).toBe(false);
  });
});
