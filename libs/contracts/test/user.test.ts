import { describe, expect, it } from 'vitest';
import { ConfirmVerificationRequest, nameProblem, plainName, RegisterRequest, UserName } from '../src';

describe('names, which head every message', () => {
  it.each([
    'Ann',
    'Ada Lovelace',
    "Siobhán O'Brien-Ní Dhomhnaill",
    'J.R.R. Tolkien',
    'Dr. Who',
    '李小龙',
    'محمد\u200cعلی', // Persian, with the zero-width non-joiner it needs
    'Ann 2.50',
  ])('takes %s', (name) => {
    expect(nameProblem(name)).toBeUndefined();
    expect(UserName.safeParse(name).success).toBe(true);
  });

  it.each([
    ['a URL', 'Ann https://evil.example/login', 'links'],
    ['a bare http', 'Ann http', 'links'],
    ['www.', 'Ann www.evil', 'links'],
    ['a domain', 'Claim your prize at evil.com', 'links'],
    ['a short domain', 'Ann bit.ly', 'links'],
    ['an e-mail address', 'ann@evil', 'links'],
    ['an IPv4 address', 'Ann 10.0.0.1', 'links'],
    ['a full-width domain', 'ｅｖｉｌ．ｃｏｍ', 'links'],
    ['an ideographic full stop', 'evil\u3002com', 'links'],
    ['a domain split by a joiner', 'evil\u200d.com', 'links'],
    ['a line break', 'Ann\nClick below', 'control'],
    ['a NUL', 'Ann\u0000', 'control'],
    ['a right-to-left override', 'Ann\u202Egnp.exe', 'control'],
    ['a zero-width space', 'evil\u200B.com', 'control'],
  ])('refuses a name with %s', (_, name, why) => {
    expect(nameProblem(name)).toContain(why);
    const parsed = RegisterRequest.safeParse({ email: 'ann@example.com', password: 'Passw0rd!', name });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['name']);
  });
});

describe('verification codes', () => {
  it('are six digits', () => {
    expect(ConfirmVerificationRequest.safeParse({ channel: 'email', code: '012345' }).success).toBe(true);
    for (const code of ['12345', '1234567', 'abcdef', ' 123456', 123456]) {
      expect(ConfirmVerificationRequest.safeParse({ channel: 'email', code }).success).toBe(false);
    }
  });
});

describe('a stored name, made plain for a message', () => {
  it('loses control and invisible characters, keeps the joiners, and has its spaces collapsed', () => {
    expect(plainName('  Ann\r\n\tLee\u0000 ')).toBe('Ann Lee');
    expect(plainName('Ann\u202E Lee')).toBe('Ann Lee');
    expect(plainName('محمد\u200cعلی')).toBe('محمد\u200cعلی');
    expect(plainName('ｅｖｉｌ．ｃｏｍ')).toBe('evil.com');
  });

  it('shows the link an invisible character split, for nameProblem to see', () => {
    expect(plainName('evil\u200B.com')).toBe('evil.com');
    expect(nameProblem(plainName('evil\u200B.com'))).toContain('links');
  });
});
