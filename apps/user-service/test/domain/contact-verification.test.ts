import type { User } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import {
  CODE_LIFETIME_MS,
  confirmVerification,
  destinationOf,
  mailboxOf,
  maskAddress,
  requestVerification,
  type VerificationDeps,
} from '../../src/domain/contact-verification';
import { AlreadyVerifiedError, CodeBurntError, InvalidCodeError, NoPhoneError, TooManyCodesError, VerificationBusyError } from '../../src/domain/errors';
import { AddressChangedError } from '../../src/domain/verification-store';
import { inMemoryStores, recordingSender } from '../in-memory-stores';

const ADA: User = {
  userId: 'sub-ada',
  email: 'ada@example.com',
  emailVerified: false,
  name: 'Ada',
  phone: '+14155550123',
  phoneVerified: false,
  role: 'CUSTOMER',
  createdAt: '2025-01-01T00:00:00.000Z',
};
const START = Date.parse('2026-03-01T10:00:00.000Z');
const MINUTE = 60_000;

/** The verification use cases on in-memory ports, a clock the test moves, and codes 100001, 100002, ... */
function setup(profile: User = ADA, others: User[] = []) {
  const stores = inMemoryStores([profile, ...others]);
  const { sent, sender } = recordingSender();
  const clock = { now: START };
  let codes = 100_000;
  const deps: VerificationDeps = {
    profiles: stores.profileRepository,
    verifications: stores.verificationStore,
    sender,
    now: () => new Date(clock.now),
    newCode: () => String(++codes),
  };
  return {
    ...stores,
    sent,
    clock,
    deps,
    request: (channel: 'email' | 'sms' = 'email') => requestVerification(deps, profile.userId, channel),
    requestAs: (userId: string, channel: 'email' | 'sms') => requestVerification(deps, userId, channel),
    confirm: (code: string, channel: 'email' | 'sms' = 'email') => confirmVerification(deps, profile.userId, channel, code),
    /** The code in the last message, as its owner reads it. */
    lastCode: () => /verification code is (\d{6})/.exec(sent.at(-1)?.text ?? '')?.[1] ?? 'none',
  };
}

describe('asking for a verification code', () => {
  it('e-mails a six-digit code to the account’s own address, and answers where it went (masked) and until when it works', async () => {
    const s = setup();
    const answer = await s.request('email');
    expect(answer).toEqual({ channel: 'email', sentTo: 'a***@example.com', expiresAt: new Date(START + CODE_LIFETIME_MS).toISOString() });
    expect(s.sent).toEqual([{ channel: 'email', to: 'ada@example.com', subject: 'Your Shop verification code', text: expect.stringContaining('Your verification code is 100001.') }]);
  });

  it('texts the code to the account’s phone for sms', async () => {
    const s = setup();
    expect(await s.request('sms')).toMatchObject({ channel: 'sms', sentTo: '+1******0123' });
    expect(s.sent).toEqual([{ channel: 'sms', to: '+14155550123', text: 'Shop: your verification code is 100001. It expires in 10 minutes. Do not share it.' }]);
  });

  it('keeps only a salted hash of the code, never the code', async () => {
    const s = setup();
    await s.request('email');
    const stored = [...s.verifications.values()];
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain('100001');
    expect(stored[0]?.code).toEqual({ salt: expect.any(String), hash: expect.any(String) });
  });

  it('refuses sms for an account without a phone number, sending and storing nothing', async () => {
    const { phone: _, phoneVerified: __, ...noPhone } = ADA;
    const s = setup(noPhone);
    await expect(s.request('sms')).rejects.toBeInstanceOf(NoPhoneError);
    expect(s.sent).toEqual([]);
    expect(s.verifications.size).toBe(0);
  });

  it('refuses a channel that is verified already with 409, sending nothing', async () => {
    const s = setup({ ...ADA, emailVerified: true });
    await expect(s.request('email')).rejects.toBeInstanceOf(AlreadyVerifiedError);
    await expect(s.request('email')).rejects.toMatchObject({ status: 409, code: 'ALREADY_VERIFIED' });
    expect(s.sent).toEqual([]);
  });

  it('answers 404 for an account without a profile', async () => {
    const s = setup();
    await expect(requestVerification(s.deps, 'sub-nobody', 'email')).rejects.toMatchObject({ status: 404 });
  });

  it('sends at most five codes per channel in an hour; the sixth is 429 saying when the next may go', async () => {
    const s = setup();
    for (let i = 0; i < 5; i++) {
      await s.request('email');
      s.clock.now += 5 * MINUTE;
    }
    // 25 minutes after the first: it counts for 35 more.
    const refused = s.request('email');
    await expect(refused).rejects.toBeInstanceOf(TooManyCodesError);
    await expect(refused).rejects.toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', headers: { 'retry-after': String(35 * 60) } });
    expect(s.sent).toHaveLength(5);

    // The limit is per channel.
    await s.request('sms');
    expect(s.sent).toHaveLength(6);

    // Once the first is an hour old, a sixth may go.
    s.clock.now = START + 60 * MINUTE + 1;
    await s.request('email');
    expect(s.sent).toHaveLength(7);
  });

  it('sends at most five codes an hour to one number, whichever accounts ask: new accounts cannot text a stranger more', async () => {
    const BEN: User = { ...ADA, userId: 'sub-ben', email: 'ben@example.com', name: 'Ben' };
    const s = setup(ADA, [BEN]);
    for (let i = 0; i < 3; i++) await s.requestAs(ADA.userId, 'sms');
    for (let i = 0; i < 2; i++) await s.requestAs(BEN.userId, 'sms');
    s.clock.now += 10 * MINUTE;

    // Ben's account has sent two, but the number has had five.
    const refused = s.requestAs(BEN.userId, 'sms');
    await expect(refused).rejects.toBeInstanceOf(TooManyCodesError);
    await expect(refused).rejects.toMatchObject({ headers: { 'retry-after': String(50 * 60) } });
    expect(s.sent.filter((m) => m.to === ADA.phone)).toHaveLength(5);
    // Nothing of the refused request was written: Ben's own count is still two.
    expect(s.verifications.get('sub-ben#sms')?.sentAt).toHaveLength(2);

    // Other addresses are not held back.
    await s.requestAs(BEN.userId, 'email');
    s.clock.now = START + 60 * MINUTE + 1;
    await s.requestAs(BEN.userId, 'sms');
    expect(s.sent).toHaveLength(7);
  });

  it('counts the aliases of one mailbox as one address: new accounts with +tags cannot mail a stranger more, nor use up the owner’s codes', async () => {
    const aliases = ['ada+1@example.com', 'Ada+shop@Example.com', 'ADA+2@example.com'].map((email, i): User => ({ ...ADA, userId: `sub-alias-${i}`, email }));
    const s = setup(ADA, aliases);
    for (const alias of aliases.slice(0, 2)) for (let i = 0; i < 2; i++) await s.requestAs(alias.userId, 'email');
    await s.requestAs(aliases[2]!.userId, 'email');

    await expect(s.requestAs(aliases[2]!.userId, 'email')).rejects.toBeInstanceOf(TooManyCodesError);
    expect(s.sent).toHaveLength(5);
    // The code goes to the address as the account gave it.
    expect(s.sent.map((m) => m.to)).toEqual(['ada+1@example.com', 'ada+1@example.com', 'Ada+shop@Example.com', 'Ada+shop@Example.com', 'ADA+2@example.com']);
    // The owner of ada@example.com still gets theirs.
    await s.requestAs(ADA.userId, 'email');
    expect(s.sent.at(-1)?.to).toBe('ada@example.com');
  });

  it('lets only one of two requests at once through: the other may retry', async () => {
    const s = setup();
    const outcomes = await Promise.allSettled([s.request('email'), s.request('email')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: expect.any(VerificationBusyError) });
    expect(s.sent).toHaveLength(1);
  });
});

describe('confirming a code', () => {
  it('marks the channel verified with the right code, and answers the profile', async () => {
    const s = setup();
    await s.request('email');
    const profile = await s.confirm(s.lastCode());
    expect(profile).toEqual({ ...ADA, emailVerified: true });
    expect(s.users.get(ADA.userId)).toMatchObject({ emailVerified: true, phoneVerified: false });
    expect(s.verifications.size).toBe(0);
    // Verified now: nothing more to confirm or send.
    await expect(s.confirm(s.lastCode())).rejects.toBeInstanceOf(AlreadyVerifiedError);
    await expect(s.request('email')).rejects.toBeInstanceOf(AlreadyVerifiedError);
  });

  it('verifies the phone with the code texted to it', async () => {
    const s = setup();
    await s.request('sms');
    expect(await s.confirm(s.lastCode(), 'sms')).toMatchObject({ emailVerified: false, phoneVerified: true });
  });

  it('refuses a wrong code with 400 INVALID_CODE and verifies nothing', async () => {
    const s = setup();
    await s.request('email');
    await expect(s.confirm('999999')).rejects.toMatchObject({ status: 400, code: 'INVALID_CODE', details: [{ field: 'code', message: 'wrong or expired' }] });
    expect(s.users.get(ADA.userId)?.emailVerified).toBe(false);
    // The right code still works.
    await s.confirm(s.lastCode());
  });

  it('answers an expired code exactly as a wrong one', async () => {
    const s = setup();
    await s.request('email');
    const code = s.lastCode();
    s.clock.now += CODE_LIFETIME_MS;
    const expired = await s.confirm(code).catch((e: unknown) => e);
    const wrong = await s.confirm('999999').catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(InvalidCodeError);
    expect(wrong).toBeInstanceOf(InvalidCodeError);
    expect(expired).toEqual(wrong);
    expect(s.users.get(ADA.userId)?.emailVerified).toBe(false);
  });

  it('refuses every code when none was sent', async () => {
    const s = setup();
    await expect(s.confirm('100001')).rejects.toBeInstanceOf(InvalidCodeError);
  });

  it('takes only the newest code: a new request replaces the old one', async () => {
    const s = setup();
    await s.request('email');
    const first = s.lastCode();
    await s.request('email');
    await expect(s.confirm(first)).rejects.toBeInstanceOf(InvalidCodeError);
    await s.confirm(s.lastCode());
  });

  it('does not take an e-mail code for the phone', async () => {
    const s = setup();
    await s.request('email');
    await s.request('sms');
    await expect(s.confirm(s.sent[0]!.text.match(/\d{6}/)![0], 'sms')).rejects.toBeInstanceOf(InvalidCodeError);
  });

  it('burns the code at the fifth wrong try (429); then not even the right code works, until a new one is sent', async () => {
    const s = setup();
    await s.request('email');
    const code = s.lastCode();
    for (let i = 0; i < 4; i++) await expect(s.confirm('999999')).rejects.toBeInstanceOf(InvalidCodeError);
    await expect(s.confirm('999999')).rejects.toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
    await expect(s.confirm(code)).rejects.toBeInstanceOf(CodeBurntError);
    expect(s.users.get(ADA.userId)?.emailVerified).toBe(false);

    await s.request('email');
    expect((await s.confirm(s.lastCode())).emailVerified).toBe(true);
  });

  it('counts every wrong try, even two at once: the loser is told to retry, not given a free guess', async () => {
    const s = setup();
    await s.request('email');
    const outcomes = await Promise.allSettled([s.confirm('999998'), s.confirm('999999')]);
    const reasons = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).constructor : undefined));
    expect(reasons).toEqual(expect.arrayContaining([InvalidCodeError, VerificationBusyError]));
    expect([...s.verifications.values()][0]?.wrongTries).toBe(1);
  });

  it('verifies only the address the code was sent to', async () => {
    const s = setup();
    await s.request('email');
    const code = s.lastCode();
    // The account's address changed after the code went out.
    s.users.get(ADA.userId)!.email = 'someone-else@example.com';
    await expect(s.confirm(code)).rejects.toBeInstanceOf(InvalidCodeError);
    expect(s.users.get(ADA.userId)?.emailVerified).toBe(false);
  });

  it('verifies nothing when the address changes between the check and the write', async () => {
    const s = setup();
    await s.request('email');
    s.deps.verifications.complete = async () => Promise.reject(new AddressChangedError('changed'));
    await expect(s.confirm(s.lastCode())).rejects.toBeInstanceOf(InvalidCodeError);
  });
});

describe('the mailbox an address delivers to', () => {
  it.each([
    ['Ada@Example.com', 'ada@example.com'],
    ['ada+shop@example.com', 'ada@example.com'],
    ['ada+a+b@example.com', 'ada@example.com'],
    ['a.da+x@Gmail.com', 'ada@gmail.com'],
    ['a.d.a@googlemail.com', 'ada@gmail.com'],
    ['a.da@example.com', 'a.da@example.com'],
    ['+ada@example.com', '+ada@example.com'],
  ])('%s reaches %s', (address, mailbox) => {
    expect(mailboxOf(address)).toBe(mailbox);
  });
});

describe('what the per-destination limit counts', () => {
  it.each([
    ['email', 'ada@example.com', 'ada@example.com'],
    ['email', 'Ada@Example.com', 'aliases of ada@example.com'],
    ['email', 'ada+x@example.com', 'aliases of ada@example.com'],
    ['email', 'a.da@gmail.com', 'aliases of ada@gmail.com'],
    ['sms', '+14155550123', '+14155550123'],
  ] as const)('%s %s as %s', (channel, address, counted) => {
    expect(destinationOf(channel, address)).toBe(counted);
  });
});

describe('masked addresses', () => {
  it.each([
    ['email', 'ada@example.com', 'a***@example.com'],
    ['email', 'a@example.com', 'a***@example.com'],
    ['sms', '+14155550123', '+1******0123'],
    ['sms', '+447700900123', '+4*******0123'],
  ] as const)('%s %s reads %s', (channel, address, masked) => {
    expect(maskAddress(channel, address)).toBe(masked);
  });
});
