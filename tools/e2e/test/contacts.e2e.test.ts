import { newCustomer, readVerificationCode, signIn, type SignedInUser, TEST_PASSWORD, uniqueEmail } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, waitForOrder } from '../src/checkout';
import { api, clearFaults, cloud, injectFaults, setAttributes } from '../src/cloud';
import { orderMessagesFor } from '../src/contacts';
import { busEventsOf, eventually, traceOf } from '../src/events';

/**
 * Verified contacts through the local cloud: the shop writes only to an e-mail address or phone
 * its owner proved with a code sent there, and only the signed-in owner can prove it.
 */

let admin: SignedInUser;
let product: string;

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
  product = await newProduct(admin, 20, 990);
});

/** A cancelled order, once send-notification has handled both its events (created, cancelled). */
async function cancelledAndNotified(customer: SignedInUser): Promise<string> {
  const { orderId } = await orderAwaitingPayment(customer, product);
  expect((await customer.api.post(`/orders/${orderId}/cancel`)).status).toBe(200);
  await waitForOrder(customer, orderId, isStatus(...FINAL));
  const [cancelled] = await eventually(async () => {
    const events = await busEventsOf('OrderCancelled', orderId);
    expect(events).toHaveLength(1);
    return events;
  });
  await eventually(async () => {
    const handled = (await traceOf(cancelled!.event.detail.correlationId)).filter((t) => t.functionName.endsWith('send-notification') && t.ok);
    expect(handled.length).toBeGreaterThanOrEqual(2);
  });
  return orderId;
}

const shortId = (orderId: string) => orderId.slice(0, 8).toUpperCase();
/** A six-digit code that is not `code`. */
const wrong = (code: string) => `${code.slice(0, 5)}${(Number(code[5]) + 1) % 10}`;
const profileOf = async (customer: SignedInUser) => (await customer.api.get('/users/me')).body;
/** Moves the last code's delivery 61 s back: the next request is a new one, not a resend of the last (answered with its code). */
const aMinuteLater = (customer: SignedInUser, channel: 'email' | 'sms') =>
  setAttributes(cloud.tables.contactVerifications, { userId: customer.userId, channel }, { deliveredAt: new Date(Date.now() - 61_000).toISOString() });

describe('verified contacts', () => {
  it('writes to a new customer only once they verified their e-mail address and phone with the codes sent there', async () => {
    const phone = '+14155550142';
    const vera = await newCustomer(api, 'Vera', { phone });
    expect(await profileOf(vera)).toMatchObject({ emailVerified: false, phone, phoneVerified: false });

    // Unverified: an order comes and goes, and nothing is sent to either.
    await cancelledAndNotified(vera);
    expect(await orderMessagesFor(vera.email)).toEqual([]);
    expect(await orderMessagesFor(phone)).toEqual([]);

    // The e-mail code, through the API and the outbox, as Vera would get it.
    const asked = await vera.api.post('/users/me/verification', { channel: 'email' });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ channel: 'email', sentTo: `${vera.email[0]}***@${vera.email.split('@')[1]}`, expiresAt: expect.any(String) });
    expect(Date.parse(asked.body.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    const emailCode = await readVerificationCode(api, vera.email);
    const confirmed = await vera.api.post('/users/me/verification/confirm', { channel: 'email', code: emailCode });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ userId: vera.userId, emailVerified: true, phoneVerified: false });

    // The phone, by SMS.
    const texted = await vera.api.post('/users/me/verification', { channel: 'sms' });
    expect(texted.body).toMatchObject({ channel: 'sms', sentTo: '+1******0142' });
    expect((await vera.api.post('/users/me/verification/confirm', { channel: 'sms', code: await readVerificationCode(api, phone) })).status).toBe(200);
    expect(await profileOf(vera)).toMatchObject({ emailVerified: true, phoneVerified: true });
    // Nothing more to verify.
    expect((await vera.api.post('/users/me/verification', { channel: 'email' })).status).toBe(409);

    // The next order's messages arrive.
    const orderId = await cancelledAndNotified(vera);
    await eventually(async () =>
      expect((await orderMessagesFor(vera.email)).map((m) => m.subject)).toEqual([`Order ${shortId(orderId)} received`, `Order ${shortId(orderId)} was cancelled`]),
    );
    expect((await orderMessagesFor(vera.email))[1]?.text).toContain('Nothing was charged.');
    expect((await orderMessagesFor(phone)).map((m) => m.text)).toEqual([expect.stringContaining(`order ${shortId(orderId)} was cancelled`)]);
  });

  it('refuses a wrong code with 400 and changes nothing: the right code still works', async () => {
    const wes = await newCustomer(api, 'Wes');
    expect((await wes.api.post('/users/me/verification', { channel: 'email' })).status).toBe(202);
    const code = await readVerificationCode(api, wes.email);

    const refused = await wes.api.post('/users/me/verification/confirm', { channel: 'email', code: wrong(code) });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'INVALID_CODE', details: [{ field: 'code', message: 'wrong or expired' }] });
    expect((await profileOf(wes)).emailVerified).toBe(false);

    expect((await wes.api.post('/users/me/verification/confirm', { channel: 'email', code })).status).toBe(200);
  });

  it('burns a code after five wrong tries: then only a new code verifies', async () => {
    const xan = await newCustomer(api, 'Xan');
    await xan.api.post('/users/me/verification', { channel: 'email' });
    const code = await readVerificationCode(api, xan.email);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await xan.api.post('/users/me/verification/confirm', { channel: 'email', code: wrong(code) })).status);
    expect(answers).toEqual([400, 400, 400, 400, 429]);
    const burnt = await xan.api.post('/users/me/verification/confirm', { channel: 'email', code });
    expect(burnt.status).toBe(429);
    expect(burnt.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect((await profileOf(xan)).emailVerified).toBe(false);

    await xan.api.post('/users/me/verification', { channel: 'email' });
    expect((await xan.api.post('/users/me/verification/confirm', { channel: 'email', code: await readVerificationCode(api, xan.email, 1) })).status).toBe(200);
  });

  it('sends at most five codes per channel an hour, then answers 429 with Retry-After', async () => {
    const yara = await newCustomer(api, 'Yara');
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push(await yara.api.post('/users/me/verification', { channel: 'email' }));
      if (answers.at(-1)?.status === 202) await aMinuteLater(yara, 'email');
    }
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 429]);
    const limited = answers[5]!;
    expect(limited.body.error.code).toBe('TOO_MANY_REQUESTS');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await api.get(`/_local/outbox?to=${encodeURIComponent(yara.email)}`)).body.messages).toHaveLength(5);
    // The last code sent still verifies.
    expect((await yara.api.post('/users/me/verification/confirm', { channel: 'email', code: await readVerificationCode(api, yara.email) })).status).toBe(200);
  });

  it('answers a request sent again moments after its code went (a lost answer, a second tap) with that code: nothing sent again, and it verifies', async () => {
    const zoe = await newCustomer(api, 'Zoe');
    const first = await zoe.api.post('/users/me/verification', { channel: 'email' });
    const again = await zoe.api.post('/users/me/verification', { channel: 'email' });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toEqual(first.body);
    expect((await api.get(`/_local/outbox?to=${encodeURIComponent(zoe.email)}`)).body.messages).toHaveLength(1);
    expect((await zoe.api.post('/users/me/verification/confirm', { channel: 'email', code: await readVerificationCode(api, zoe.email) })).status).toBe(200);
  });

  it('answers 503 CODE_NOT_SENT with Retry-After when SES fails the send; the next try sends a code that verifies', async () => {
    const wes = await newCustomer(api, 'Wes');
    await injectFaults({ kind: 'email-send-fail' });
    let failed;
    try {
      failed = await wes.api.post('/users/me/verification', { channel: 'email' });
    } finally {
      await clearFaults();
    }
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('30');
    expect(failed.body.error).toMatchObject({ code: 'CODE_NOT_SENT', message: expect.stringContaining('try again in 30 seconds') });
    expect((await api.get(`/_local/outbox?to=${encodeURIComponent(wes.email)}`)).body.messages).toEqual([]);

    expect((await wes.api.post('/users/me/verification', { channel: 'email' })).status).toBe(202);
    const confirmed = await wes.api.post('/users/me/verification/confirm', { channel: 'email', code: await readVerificationCode(api, wes.email) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ emailVerified: true });
  });

  it('sends at most five codes an hour to one phone number, however many accounts give it: new accounts cannot text a stranger more', async () => {
    const phone = '+14155550177';
    const first = await newCustomer(api, 'Quinn', { phone });
    const second = await newCustomer(api, 'Rex', { phone });
    const answers = [];
    for (const customer of [first, first, first, second, second, second]) {
      answers.push(await customer.api.post('/users/me/verification', { channel: 'sms' }));
      if (answers.at(-1)?.status === 202) await aMinuteLater(customer, 'sms');
    }
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 429]);
    expect(answers[5]?.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(answers[5]?.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect((await api.get(`/_local/outbox?to=${encodeURIComponent(phone)}`)).body.messages).toHaveLength(5);
    // The second account's own e-mail is not held back by the number's limit.
    expect((await second.api.post('/users/me/verification', { channel: 'email' })).status).toBe(202);
  });

  it("lets no one verify another's account: the routes take no user id, only the caller's token", async () => {
    const alice = await newCustomer(api, 'Alice');
    const mallory = await newCustomer(api, 'Mallory');
    await alice.api.post('/users/me/verification', { channel: 'email' });
    const alicesCode = await readVerificationCode(api, alice.email);

    // Alice's code is no use on Mallory's token: it is checked against Mallory's own account.
    const stolen = await mallory.api.post('/users/me/verification/confirm', { channel: 'email', code: alicesCode });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.code).toBe('INVALID_CODE');
    // Naming Alice is refused outright: there is no field for it.
    for (const path of ['/users/me/verification', '/users/me/verification/confirm']) {
      const naming = await mallory.api.post(path, { channel: 'email', code: alicesCode, userId: alice.userId });
      expect(naming.status).toBe(400);
      expect(naming.body.error.details.map((d: { field: string }) => d.field)).toContain('userId');
    }
    // Without a token, nothing at all.
    expect((await api.post('/users/me/verification/confirm', { channel: 'email', code: alicesCode })).status).toBe(401);
    expect((await api.post('/users/me/verification', { channel: 'email' })).status).toBe(401);

    // None of it touched Alice: still unverified, only her one code sent, and it still works.
    expect((await profileOf(alice)).emailVerified).toBe(false);
    expect((await api.get(`/_local/outbox?to=${encodeURIComponent(alice.email)}`)).body.messages).toHaveLength(1);
    expect((await alice.api.post('/users/me/verification/confirm', { channel: 'email', code: alicesCode })).body.emailVerified).toBe(true);
  });

  it('answers 400 NO_PHONE to an SMS code for an account without a phone number', async () => {
    const zoe = await newCustomer(api, 'Zoe');
    const res = await zoe.api.post('/users/me/verification', { channel: 'sms' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('NO_PHONE');
  });

  it('refuses a name with a link at registration, naming the field, and creates nothing', async () => {
    const email = uniqueEmail('phish');
    for (const name of ['Your parcel is held: https://evil.example/pay', 'Claim at evil.com', 'Ann\nBcc: everyone']) {
      const res = await api.post('/users/register', { email, password: TEST_PASSWORD, name });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['name']);
    }
    expect((await api.post('/users/login', { email, password: TEST_PASSWORD })).status).toBe(401);
    expect((await api.post('/users/register', { email, password: TEST_PASSWORD, name: 'Ann' })).status).toBe(201);
  });

  it('has the seeded staff verified already', async () => {
    expect(await profileOf(admin)).toMatchObject({ email: cloud.admin.email, emailVerified: true });
  });
});
