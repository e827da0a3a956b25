import type { User } from '@shop/contracts';
import { describe, expect, it, vi } from 'vitest';
import {
  CODE_IN_FLIGHT_MS,
  CODE_LIFETIME_MS,
  confirmVerification,
  destinationOf,
  mailboxOf,
  maskAddress,
  requestVerification,
  RESEND_WINDOW_MS,
  SMS_CODES_PER_HOUR,
  type VerificationDeps,
} from '../../src/domain/contact-verification';
import { AlreadyVerifiedError, CodeBurntError, CodeNotSentError, InvalidCodeError, NoPhoneError, ShopSmsLimitError, TooManyCodesError, VerificationBusyError } from '../../src/domain/errors';
import { AddressChangedError } from '../../src/domain/verification-store';
import { service } from '../../src/service';
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
const SECOND = 1_000;

/** The verification use cases on in-memory ports, a clock the test moves, codes 100001, 100002, ..., and a log whose warnings the test reads. */
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
    log: { warn: vi.fn() },
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
    expect(answer).toEqual({ sent: { channel: 'email', sentTo: 'a***@example.com', expiresAt: new Date(START + CODE_LIFETIME_MS).toISOString() }, repeated: false });
    expect(s.sent).toEqual([{ channel: 'email', to: 'ada@example.com', subject: 'Your Shop verification code', text: expect.stringContaining('Your verification code is 100001.') }]);
  });

  it('texts the code to the account’s phone for sms', async () => {
    const s = setup();
    expect((await s.request('sms')).sent).toMatchObject({ channel: 'sms', sentTo: '+1******0123' });
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
    // A minute apart, so that none is a resend of the one before.
    const asAMinuteLater = async (userId: string) => {
      await s.requestAs(userId, 'sms');
      s.clock.now += MINUTE;
    };
    for (let i = 0; i < 3; i++) await asAMinuteLater(ADA.userId);
    for (let i = 0; i < 2; i++) await asAMinuteLater(BEN.userId);
    s.clock.now = START + 10 * MINUTE;

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
    // A minute apart, so that none is a resend of the one before.
    const asAMinuteLater = async (userId: string) => {
      await s.requestAs(userId, 'email');
      s.clock.now += MINUTE;
    };
    for (const alias of aliases.slice(0, 2)) for (let i = 0; i < 2; i++) await asAMinuteLater(alias.userId);
    await asAMinuteLater(aliases[2]!.userId);

    await expect(s.requestAs(aliases[2]!.userId, 'email')).rejects.toBeInstanceOf(TooManyCodesError);
    expect(s.sent).toHaveLength(5);
    // The code goes to the address as the account gave it.
    expect(s.sent.map((m) => m.to)).toEqual(['ada+1@example.com', 'ada+1@example.com', 'Ada+shop@Example.com', 'Ada+shop@Example.com', 'ADA+2@example.com']);
    // The owner of ada@example.com still gets theirs.
    await s.requestAs(ADA.userId, 'email');
    expect(s.sent.at(-1)?.to).toBe('ada@example.com');
  });

  it('texts at most SMS_CODES_PER_HOUR codes in a clock hour from the whole shop: then even an account and a number that never had one are refused, and nothing is sent or counted', async () => {
    const BEN: User = { ...ADA, userId: 'sub-ben', email: 'ben@example.com', phone: '+14155550177' };
    const s = setup(ADA, [BEN]);
    // The shop's hour, one code short of full (what 299 other accounts and numbers asked for).
    s.shopSends.set('sms#2026-03-01T10', SMS_CODES_PER_HOUR - 1);
    s.clock.now = START + 20 * MINUTE;
    await s.requestAs(BEN.userId, 'sms');
    expect(s.shopSends.get('sms#2026-03-01T10')).toBe(SMS_CODES_PER_HOUR);
    const before = structuredClone([...s.verifications.entries(), ...s.destinations.entries(), ...s.shopSends.entries()]);

    // Ada's account and number have had no code at all.
    s.clock.now = START + 20 * MINUTE + 30 * SECOND;
    const refused = s.request('sms');
    await expect(refused).rejects.toBeInstanceOf(ShopSmsLimitError);
    await expect(refused).rejects.toMatchObject({
      status: 429,
      code: 'SHOP_SMS_LIMIT_REACHED',
      message: 'The shop is sending too many text messages right now; try again later, or verify your e-mail address',
      // Until 11:00, the next hour.
      headers: { 'retry-after': String(39 * 60 + 30) },
    });
    expect(s.sent.map((m) => m.to)).toEqual([BEN.phone]);
    // Refused, it counts against nothing: not the account's five, not the number's, not the shop's.
    expect([...s.verifications.entries(), ...s.destinations.entries(), ...s.shopSends.entries()]).toEqual(before);
    expect(s.deps.log.warn).toHaveBeenCalledWith({ channel: 'sms', hour: '2026-03-01T10', limit: SMS_CODES_PER_HOUR }, expect.stringContaining("the shop's hourly limit on verification texts is reached"));
    expect(JSON.stringify(vi.mocked(s.deps.log.warn).mock.calls)).not.toContain('4155550123');

    // E-mail codes are not held back.
    await s.request('email');
    expect(s.sent.at(-1)).toMatchObject({ channel: 'email', to: ADA.email });

    // The next hour has its own count.
    s.clock.now = Date.parse('2026-03-01T11:00:00.000Z');
    expect(await s.request('sms')).toMatchObject({ repeated: false });
    expect(s.sent.at(-1)).toMatchObject({ channel: 'sms', to: ADA.phone });
    expect(s.shopSends.get('sms#2026-03-01T11')).toBe(1);
  });

  it('counts a text refused by the account’s or the number’s own limit against nothing in the shop’s hour', async () => {
    const s = setup();
    for (let i = 0; i < 5; i++) {
      s.clock.now = START + i * 2 * MINUTE;
      await s.request('sms');
    }
    expect(s.shopSends.get('sms#2026-03-01T10')).toBe(5);
    s.clock.now += 2 * MINUTE;
    await expect(s.request('sms')).rejects.toBeInstanceOf(TooManyCodesError);
    expect(s.shopSends.get('sms#2026-03-01T10')).toBe(5);
  });

  it('lets only one of two requests at once through: the other may retry', async () => {
    const s = setup();
    const outcomes = await Promise.allSettled([s.request('email'), s.request('email')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: expect.any(VerificationBusyError) });
    expect(s.sent).toHaveLength(1);
  });
});

describe('asking for a code again moments after one was delivered', () => {
  it('answers a request within the minute with the code delivered, sending, writing and counting nothing; that code still verifies', async () => {
    const s = setup();
    const first = await s.request('email');
    const code = s.lastCode();
    const stored = structuredClone([...s.verifications.entries(), ...s.destinations.entries()]);

    s.clock.now += 59 * SECOND;
    const again = await s.request('email');
    expect(again).toEqual({ sent: first.sent, repeated: true });
    expect(again.sent.expiresAt).toBe(new Date(START + CODE_LIFETIME_MS).toISOString());
    expect(s.sent).toHaveLength(1);
    expect([...s.verifications.entries(), ...s.destinations.entries()]).toEqual(stored);

    expect((await s.confirm(code)).emailVerified).toBe(true);
  });

  it('records when the code was delivered, as the next version of the verification', async () => {
    const s = setup();
    await s.request('sms');
    expect(s.verifications.get(`${ADA.userId}#sms`)).toMatchObject({ deliveredAt: new Date(START).toISOString(), version: 2, sentAt: [new Date(START).toISOString()] });
  });

  it('does not count a resend against the limit: within the minute of the fifth code, it answers 202, not 429', async () => {
    const s = setup();
    for (let i = 0; i < 5; i++) {
      s.clock.now = START + i * 5 * MINUTE;
      await s.request('email');
    }
    s.clock.now += 30 * SECOND;
    expect(await s.request('email')).toMatchObject({ repeated: true });
    expect(s.sent).toHaveLength(5);
    s.clock.now += RESEND_WINDOW_MS;
    await expect(s.request('email')).rejects.toBeInstanceOf(TooManyCodesError);
  });

  it('sends a new code once the minute is over (61 s), and only that one verifies', async () => {
    const s = setup();
    await s.request('email');
    const first = s.lastCode();
    s.clock.now += 61 * SECOND;
    const again = await s.request('email');
    expect(again).toEqual({ sent: { channel: 'email', sentTo: 'a***@example.com', expiresAt: new Date(START + 61 * SECOND + CODE_LIFETIME_MS).toISOString() }, repeated: false });
    expect(s.sent).toHaveLength(2);
    expect(s.lastCode()).not.toBe(first);
    expect(s.verifications.get(`${ADA.userId}#email`)?.sentAt).toHaveLength(2);
    await expect(s.confirm(first)).rejects.toBeInstanceOf(InvalidCodeError);
    expect((await s.confirm(s.lastCode())).emailVerified).toBe(true);
  });

  it('sends at once after a send that failed: that code reached no one', async () => {
    const s = setup();
    const email = s.deps.sender.email;
    s.deps.sender.email = async () => Promise.reject(new Error('SES is down'));
    await expect(s.request('email')).rejects.toBeInstanceOf(CodeNotSentError);
    expect(s.verifications.get(`${ADA.userId}#email`)?.deliveredAt).toBeUndefined();

    s.deps.sender.email = email;
    s.clock.now += SECOND;
    expect(await s.request('email')).toMatchObject({ repeated: false });
    expect(s.sent).toHaveLength(1);
    expect((await s.confirm(s.lastCode())).emailVerified).toBe(true);
  });

  it('sends a new code within the minute once the code delivered had a wrong try', async () => {
    const s = setup();
    await s.request('email');
    await expect(s.confirm('999999')).rejects.toBeInstanceOf(InvalidCodeError);
    s.clock.now += 10 * SECOND;
    expect(await s.request('email')).toMatchObject({ repeated: false });
    expect(s.sent).toHaveLength(2);
    expect(s.verifications.get(`${ADA.userId}#email`)?.wrongTries).toBe(0);
  });

  it('sends to the new address within the minute when the profile’s address changed', async () => {
    const s = setup();
    await s.request('email');
    s.users.get(ADA.userId)!.email = 'ada.lovelace@example.org';
    s.clock.now += 10 * SECOND;
    expect(await s.request('email')).toEqual({ sent: { channel: 'email', sentTo: 'a***@example.org', expiresAt: new Date(START + 10 * SECOND + CODE_LIFETIME_MS).toISOString() }, repeated: false });
    expect(s.sent.map((m) => m.to)).toEqual(['ada@example.com', 'ada.lovelace@example.org']);
    expect((await s.confirm(s.lastCode())).emailVerified).toBe(true);
  });

  it('leaves a newer request’s code as it is when that request wrote it before this one recorded its delivery', async () => {
    const s = setup();
    const email = s.deps.sender.email;
    // While the first code is on its way, a wrong try, and then a second request (no resend: the code was tried) replaces it.
    s.deps.sender.email = async (to, subject, text) => {
      s.deps.sender.email = email;
      await email(to, subject, text);
      await expect(s.confirm('999999')).rejects.toBeInstanceOf(InvalidCodeError);
      await s.request('email');
    };
    expect(await s.request('email')).toMatchObject({ repeated: false });
    expect(s.sent).toHaveLength(2);
    expect(s.verifications.get(`${ADA.userId}#email`)).toMatchObject({ sentAt: [new Date(START).toISOString(), new Date(START).toISOString()], wrongTries: 0, version: 4 });
    expect(s.deps.log.warn).not.toHaveBeenCalled();
    // The newest code is the one in play.
    expect((await s.confirm(s.lastCode())).emailVerified).toBe(true);
  });

  it('answers 202 when the delivery cannot be recorded, and warns: the code went', async () => {
    const s = setup();
    s.deps.verifications.markDelivered = async () => Promise.reject(new Error('ProvisionedThroughputExceededException'));
    expect(await s.request('email')).toMatchObject({ repeated: false });
    expect(s.sent).toHaveLength(1);
    expect(s.deps.log.warn).toHaveBeenCalledWith({ err: expect.any(Error), channel: 'email' }, expect.stringContaining('delivery was not recorded'));
    expect(JSON.stringify(vi.mocked(s.deps.log.warn).mock.calls)).not.toContain(s.lastCode());
  });
});

describe('asking for a code again while the first is on its way', () => {
  /** A sender whose texts leave at once (the test's inbox has them) but whose answer waits until the test lets it come, or fails. */
  function slowSender(s: ReturnType<typeof setup>) {
    const sms = s.deps.sender.sms;
    let answer: { resolve: () => void; reject: (error: Error) => void } | undefined;
    let called: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (called = resolve));
    s.deps.sender.sms = async (to, text) => {
      await sms(to, text);
      const answered = new Promise<void>((resolve, reject) => (answer = { resolve, reject }));
      called();
      await answered;
    };
    return {
      /** Until the first text left, and its request waits on the answer. */
      waiting: () => waiting,
      answers: () => answer?.resolve(),
      fails: () => answer?.reject(new Error('SNS timed out')),
      /** From now on, texts go and are answered at once. */
      recovers: () => (s.deps.sender.sms = sms),
    };
  }
  it('answers a repeat that arrives before the delivery is recorded with the code on its way: nothing is sent or written, and that code verifies', async () => {
    const s = setup();
    const sender = slowSender(s);
    const first = s.request('sms');
    await sender.waiting();
    expect(s.sent).toHaveLength(1);
    const written = structuredClone([...s.verifications.entries(), ...s.destinations.entries(), ...s.shopSends.entries()]);

    s.clock.now += 5 * SECOND;
    const again = await s.request('sms');
    expect(again).toEqual({ sent: { channel: 'sms', sentTo: '+1******0123', expiresAt: new Date(START + CODE_LIFETIME_MS).toISOString() }, repeated: true });
    expect(s.sent).toHaveLength(1);
    expect([...s.verifications.entries(), ...s.destinations.entries(), ...s.shopSends.entries()]).toEqual(written);

    sender.answers();
    expect(await first).toEqual({ sent: again.sent, repeated: false });
    expect(s.verifications.get(`${ADA.userId}#sms`)).toMatchObject({ deliveredAt: new Date(START + 5 * SECOND).toISOString(), sentAt: [new Date(START).toISOString()] });
    expect(s.deps.log.warn).not.toHaveBeenCalled();
    expect((await s.confirm(s.lastCode(), 'sms')).phoneVerified).toBe(true);
  });

  it('sends a new code at once when the first one’s send failed, and records the failure', async () => {
    const s = setup();
    const sender = slowSender(s);
    const first = s.request('sms');
    await sender.waiting();
    s.clock.now += 2 * SECOND;
    sender.fails();
    await expect(first).rejects.toBeInstanceOf(CodeNotSentError);
    expect(s.verifications.get(`${ADA.userId}#sms`)).toMatchObject({ sendFailedAt: new Date(START + 2 * SECOND).toISOString(), version: 2 });

    sender.recovers();
    s.clock.now += SECOND;
    expect(await s.request('sms')).toEqual({ sent: { channel: 'sms', sentTo: '+1******0123', expiresAt: new Date(START + 3 * SECOND + CODE_LIFETIME_MS).toISOString() }, repeated: false });
    expect(s.sent).toHaveLength(2);
    expect(s.lastCode()).toBe('100002');
    expect((await s.confirm('100002', 'sms')).phoneVerified).toBe(true);
  });

  it('answers 503 still, and warns, when the failure cannot be recorded', async () => {
    const s = setup();
    s.deps.sender.email = async () => Promise.reject(new Error('SES is down'));
    s.deps.verifications.save = async () => Promise.reject(new Error('ProvisionedThroughputExceededException'));
    await expect(s.request('email')).rejects.toBeInstanceOf(CodeNotSentError);
    expect(s.deps.log.warn).toHaveBeenCalledWith({ err: expect.any(Error), channel: 'email' }, expect.stringContaining('failure was not recorded'));
  });

  it('sends a new code once the code is CODE_IN_FLIGHT_MS old with nothing recorded: the request that wrote it died', async () => {
    const s = setup();
    // The first request never hears from SNS: Lambda ends it at its timeout, and nothing is recorded.
    const sender = slowSender(s);
    void s.request('sms');
    await sender.waiting();
    sender.recovers();

    s.clock.now += CODE_IN_FLIGHT_MS - 1;
    expect(await s.request('sms')).toMatchObject({ repeated: true });
    expect(s.sent).toHaveLength(1);
    s.clock.now += 1;
    expect(await s.request('sms')).toMatchObject({ repeated: false });
    expect(s.sent.map((m) => m.text)).toEqual([expect.stringContaining('100001'), expect.stringContaining('100002')]);
    expect(s.verifications.get(`${ADA.userId}#sms`)?.sentAt).toEqual([new Date(START).toISOString(), new Date(START + CODE_IN_FLIGHT_MS).toISOString()]);
    await expect(s.confirm('100001', 'sms')).rejects.toBeInstanceOf(InvalidCodeError);
    expect((await s.confirm('100002', 'sms')).phoneVerified).toBe(true);
  });

  it('takes a code for one on its way for as long as request-verification may run: no request outlives its timeout', () => {
    expect(CODE_IN_FLIGHT_MS).toBeGreaterThanOrEqual(service.functions['request-verification'].timeoutSeconds * 1000);
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
    // Past the minute in which a request is taken for a resend of the first.
    s.clock.now += RESEND_WINDOW_MS + SECOND;
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
