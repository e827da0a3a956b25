import type { Profile } from '@shop/api-client';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { forgetProfile, readProfile, replaceProfile, type Shop, ShopContext } from '../src/shop-context';
import { AccountDetails, ChannelCard } from '../src/shop/account-page';
import { type Channel, type ChannelState, confirmCode, sendCode } from '../src/shop/verification';
import { apiError, stubApi } from './stub-api';

const profile = (changes: Partial<Profile> = {}): Profile => ({
  userId: 'u-1',
  email: 'ann@example.com',
  emailVerified: false,
  name: 'Ann Shopper',
  phone: '+14155550123',
  phoneVerified: false,
  role: 'CUSTOMER',
  createdAt: '2030-01-01T00:00:00.000Z',
  ...changes,
});

const SENT = { channel: 'email', sentTo: 'a***@example.com', expiresAt: '2030-01-01T00:10:00.000Z' };

/** The channel as the page shows it, in the state a request left it. */
const card = (channel: Channel, state: ChannelState, shown: Profile = profile()) =>
  renderToString(<ChannelCard channel={channel} profile={shown} state={state} busy={false} onSend={() => undefined} onVerify={() => undefined} />);

/** The text a screen reader reads, without the markup. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;|&#x27;/g, "'").replace(/\s+/g, ' ');

describe('the account page', () => {
  it('lists the name, and each channel with whether it is verified, offering a code for those that are not', () => {
    const shop = { ...stubApi({}).shop } as unknown as Shop;
    const html = renderToString(
      <ShopContext.Provider value={shop}>
        <AccountDetails profile={profile({ emailVerified: true })} onProfile={() => undefined} />
      </ShopContext.Provider>,
    );
    const email = html.slice(html.indexOf('id="contact-email"'), html.indexOf('id="contact-sms"'));
    const phone = html.slice(html.indexOf('id="contact-sms"'));
    expect(html).toContain('<h1>Your account</h1>');
    expect(html).toContain('<dd>Ann Shopper</dd>');
    expect(text(email)).toContain('ann@example.com Verified');
    expect(email).not.toContain('Send me a code');
    expect(text(phone)).toContain('+14155550123 Not verified');
    expect(text(phone)).toContain('Send me a code by text message');
  });

  it('ends with the section to delete the account, below the channels', () => {
    const shop = { ...stubApi({}).shop } as unknown as Shop;
    const html = renderToString(
      <ShopContext.Provider value={shop}>
        <AccountDetails profile={profile()} onProfile={() => undefined} />
      </ShopContext.Provider>,
    );
    expect(html.indexOf('id="delete-account"')).toBeGreaterThan(html.indexOf('id="contact-sms"'));
    expect(text(html)).toContain('Type DELETE to confirm');
  });

  it('says an account without a phone has none, and offers no code for it', () => {
    const html = card('sms', {}, profile({ phone: undefined, phoneVerified: undefined }));
    expect(text(html)).toContain('No mobile number on your account');
    expect(html).not.toContain('Send me a code');
  });

  it('sends a code on the channel, then shows where it went and a field for it', async () => {
    const { shop, requests } = stubApi({ 'POST /users/me/verification': { status: 202, body: SENT } });

    const step = await sendCode(shop, 'email', undefined);

    expect(requests).toEqual([{ route: 'POST /users/me/verification', body: { channel: 'email' } }]);
    expect(step.state.notice).toBe('We sent a code to a***@example.com.');
    const html = card('email', step.state);
    expect(html).toContain('<label for="field-email-code">Code from the e-mail</label>');
    expect(html).toMatch(/<input id="field-email-code" name="email-code"[^>]* inputmode="numeric" autocomplete="one-time-code" required/);
    expect(text(html)).toContain('6 digits, sent to a***@example.com.');
    expect(text(html)).toContain('Send me a new code by e-mail');
    expect(text(html)).toContain('Verify e-mail address');
  });

  it('says the code sent a moment ago is on its way, not that another went, when the API answers a new request with it', async () => {
    const { shop } = stubApi({ 'POST /users/me/verification': { status: 202, body: SENT } });
    const step = await sendCode(shop, 'email', { sentTo: SENT.sentTo, expiresAt: SENT.expiresAt });
    expect(step.state.notice).toMatch(/^The code we sent to a\*\*\*@example\.com a moment ago is on its way/);
    expect(step.state.sent).toEqual({ sentTo: SENT.sentTo, expiresAt: SENT.expiresAt });
    // A new code (a new expiry) is a new code.
    const renewed = await sendCode(shop, 'email', { sentTo: SENT.sentTo, expiresAt: '2030-01-01T00:09:00.000Z' });
    expect(renewed.state.notice).toBe('We sent a code to a***@example.com.');
  });

  it('says a wrong code next to the code field, and keeps the field for another try', async () => {
    const { shop, requests } = stubApi({
      'POST /users/me/verification/confirm': { status: 400, body: apiError('INVALID_CODE', 'The code is wrong or has expired', [{ field: 'code', message: 'wrong or expired' }]) },
    });

    const step = await confirmCode(shop, 'email', ' 123 456 ', SENT);

    expect(requests[0]?.body).toEqual({ channel: 'email', code: '123456' });
    const html = card('email', step.state);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toMatch(/<p class="field-error" id="field-email-code-error">That code isn(&#39;|')t right, or it has expired\. Check it, or ask for a new one\.<\/p>/);
    expect(html).toContain('role="alert"');
  });

  it('marks the channel verified with a right code, from the profile the API answers, and says so', async () => {
    const verified = profile({ phoneVerified: true });
    const { shop } = stubApi({ 'POST /users/me/verification/confirm': { status: 200, body: verified } });

    const step = await confirmCode(shop, 'sms', '123456', { sentTo: '+1******0123', expiresAt: SENT.expiresAt });

    expect(step.profile).toEqual(verified);
    const html = card('sms', step.state, verified);
    expect(text(html)).toContain('+14155550123 Verified');
    expect(html).toContain('role="status"');
    expect(text(html)).toContain('Your mobile number is verified.');
    expect(html).not.toContain('field-sms-code');
    expect(html).not.toContain('Send me');
  });

  it.each([
    [429, 'TOO_MANY_REQUESTS', '720', "You can't have another code just yet. Please try again in 12 minutes."],
    [503, 'CODE_NOT_SENT', '30', "We couldn't send your code just now. Please try again in 30 seconds."],
    [503, 'CODE_NOT_SENT', undefined, "We couldn't send your code just now. Please try again in a moment."],
  ])('says a send answered %i %s (Retry-After %s) in words, with when to try again, and keeps the code sent before', async (status, code, retryAfter, words) => {
    const { shop } = stubApi({ 'POST /users/me/verification': { status, body: apiError(code), ...(retryAfter ? { headers: { 'retry-after': retryAfter } } : {}) } });

    const step = await sendCode(shop, 'email', SENT);

    expect(step.state.problem?.message).toBe(words);
    expect(step.state.sent).toEqual(SENT);
    const html = card('email', step.state);
    expect(html).toMatch(/<div class="alert alert-bad" role="alert"><p>[^<]*<\/p><\/div>/);
    expect(text(html)).toContain(words);
  });

  it('drops the code form when a code was tried wrong too often: only a new code can verify now', async () => {
    const { shop } = stubApi({ 'POST /users/me/verification/confirm': { status: 429, body: apiError('TOO_MANY_ATTEMPTS') } });

    const step = await confirmCode(shop, 'email', '000000', SENT);

    expect(step.state.sent).toBeUndefined();
    const html = card('email', step.state);
    expect(text(html)).toContain('Too many wrong codes were tried, so that code no longer works. Ask for a new one.');
    expect(html).not.toContain('field-email-code');
    expect(text(html)).toContain('Send me a code by e-mail');
  });

  it('reads the profile again when the channel was verified meanwhile (another tab, a lost answer), with good news, not an alarm', async () => {
    const { shop } = stubApi({
      'POST /users/me/verification': { status: 409, body: apiError('ALREADY_VERIFIED') },
      'POST /users/me/verification/confirm': { status: 409, body: apiError('ALREADY_VERIFIED') },
    });
    for (const step of [await sendCode(shop, 'email', undefined), await confirmCode(shop, 'email', '123456', SENT)]) {
      expect(step).toEqual({ state: { notice: 'Your e-mail address is verified already.' }, profile: 'read again' });
    }
  });

  it('says when no phone is on the account to send a code to', async () => {
    const { shop } = stubApi({ 'POST /users/me/verification': { status: 400, body: apiError('NO_PHONE', 'x', [{ field: 'channel', message: 'the account has no phone number' }]) } });
    const step = await sendCode(shop, 'sms', undefined);
    expect(step.state.problem?.message).toBe('Your account has no mobile number to verify.');
  });
});

describe('the profile the pages show', () => {
  const answers = (...profiles: Profile[]) => stubApi({ 'GET /users/me': profiles.map((body) => ({ status: 200, body })) });

  it('is asked once per token, and shows the profile a confirmed code answers without asking again', async () => {
    const { shop, requests } = answers(profile());
    expect(await readProfile(shop, 'token-a')).toEqual({ profile: profile() });
    expect(await readProfile(shop, 'token-a')).toEqual({ profile: profile() });
    expect(requests).toHaveLength(1);

    replaceProfile('token-a', profile({ emailVerified: true }));

    expect(await readProfile(shop, 'token-a')).toEqual({ profile: profile({ emailVerified: true }) });
    expect(requests).toHaveLength(1);
  });

  it('is asked again when forgotten (changed elsewhere), and after a failed read', async () => {
    const { shop, requests } = stubApi({ 'GET /users/me': [{ status: 503 }, { status: 200, body: profile() }, { status: 200, body: profile({ emailVerified: true }) }] });
    expect(await readProfile(shop, 'token-b')).toMatchObject({ problem: { status: 503 } });
    expect(await readProfile(shop, 'token-b')).toEqual({ profile: profile() });

    forgetProfile('token-b');

    expect(await readProfile(shop, 'token-b')).toEqual({ profile: profile({ emailVerified: true }) });
    expect(requests).toHaveLength(3);
  });
});
