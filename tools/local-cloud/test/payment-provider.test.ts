import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/free-port';
import { listen, type ListeningServer } from '../src/http-server';
import { type PaymentProvider, type ProviderEvent, startPaymentProvider } from '../src/payment-provider';

const API_KEY = 'sk_test_simulator_key';
const SECRET = 'whsec_simulator_secret';
const DELAY_MS = 50;

/**
 * The shop's side of the webhooks: records each delivery and answers 202, or the statuses it
 * was told to for an order. Tests look only at their own orders' deliveries, since a charge
 * of an earlier test may still be sending its webhook.
 */
class WebhookReceiver {
  private readonly all: { orderId: string; headers: IncomingHttpHeaders; body: string; receivedAt: number }[] = [];
  private readonly statuses = new Map<string, number[]>();
  private server?: ListeningServer;

  get url(): string {
    return `${this.server?.url}/payment/webhook`;
  }

  async start(): Promise<void> {
    this.server = await listen(
      createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const orderId = (JSON.parse(body) as ProviderEvent).data.orderId;
          this.all.push({ orderId, headers: request.headers, body, receivedAt: Date.now() });
          response.writeHead(this.statuses.get(orderId)?.shift() ?? 202).end();
        });
      }),
      {},
    );
  }

  /** The next deliveries for `orderId` get these statuses, in order; later ones 202. */
  answerWith(orderId: string, ...statuses: number[]): void {
    this.statuses.set(orderId, statuses);
  }

  deliveries(...orderIds: string[]) {
    return this.all.filter((d) => orderIds.includes(d.orderId));
  }

  events(...orderIds: string[]): ProviderEvent[] {
    return this.deliveries(...orderIds).map((d) => JSON.parse(d.body) as ProviderEvent);
  }

  stop(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }
}

const receiver = new WebhookReceiver();
let provider: PaymentProvider;
const logLines: string[] = [];

beforeAll(async () => {
  await receiver.start();
  provider = await startPaymentProvider({
    apiKey: API_KEY,
    webhookSecret: SECRET,
    webhookUrl: receiver.url,
    webhookDelayMs: DELAY_MS,
    log: (line) => logLines.push(line),
  });
});
afterAll(async () => {
  await provider.stop();
  await receiver.stop();
});

interface ChargeAnswer {
  status: number;
  body: { id?: string; status?: string; failureReason?: string; error?: { code: string; message: string } };
  headers: Headers;
}

async function charge(
  paymentMethod: string,
  { key = randomUUID(), amount = 2599, apiKey = API_KEY, body }: { key?: string | null; amount?: number; apiKey?: string | null; body?: string } = {},
): Promise<ChargeAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey !== null) headers['authorization'] = `Bearer ${apiKey}`;
  if (key !== null) headers['idempotency-key'] = key;
  const orderId = key ?? randomUUID();
  const response = await fetch(`${provider.url}/v1/charges`, {
    method: 'POST',
    headers,
    body: body ?? JSON.stringify({ amount, currency: 'USD', paymentMethod, metadata: { orderId, correlationId: `corr-${orderId}` } }),
  });
  return { status: response.status, body: (await response.json()) as ChargeAnswer['body'], headers: response.headers };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const chargeById = (id: string | undefined) => provider.charges().find((c) => c.id === id);

/** What a receiver does: recompute the HMAC over `<t>.<raw body>` with the shared secret. */
function verifies(signatureHeader: string | string[] | undefined, rawBody: string, secret = SECRET): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(signatureHeader));
  if (!match) return false;
  return createHmac('sha256', secret).update(`${match[1]}.${rawBody}`).digest('hex') === match[2];
}

describe('payment provider simulator: charges', () => {
  it('approves pm_card_approve, then sends a signed charge.succeeded webhook after the delay', async () => {
    const orderId = randomUUID();
    const started = Date.now();
    const answer = await charge(TEST_PAYMENT_METHODS.approve, { key: orderId, amount: 1400 });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: expect.stringMatching(/^ch_/), status: 'pending' });

    await expect.poll(() => receiver.deliveries(orderId).length).toBe(1);
    const [delivery] = receiver.deliveries(orderId);
    expect((delivery?.receivedAt ?? 0) - started).toBeGreaterThanOrEqual(DELAY_MS - 5);
    // The provider records when it sent the webhook: the end of its own delay, which the load tool subtracts.
    const kept = chargeById(answer.body.id);
    const sentAfterMs = Date.parse(kept?.webhooks[0]?.firstSentAt ?? '') - Date.parse(kept?.createdAt ?? '');
    expect(sentAfterMs).toBeGreaterThanOrEqual(DELAY_MS - 5);
    expect(sentAfterMs).toBeLessThanOrEqual((delivery?.receivedAt ?? 0) - started + 5);
    expect(delivery?.headers['content-type']).toBe('application/json');
    expect(verifies(delivery?.headers['provider-signature'], delivery?.body ?? '')).toBe(true);
    expect(verifies(delivery?.headers['provider-signature'], delivery?.body ?? '', 'another-secret')).toBe(false);
    const [event] = receiver.events(orderId);
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'charge.succeeded',
      created: expect.any(Number),
      data: { chargeId: answer.body.id, orderId, amount: 1400, currency: 'USD', metadata: { orderId, correlationId: `corr-${orderId}` } },
    });
    expect(Math.abs((event?.created ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    await expect.poll(() => chargeById(answer.body.id)?.status).toBe('succeeded');
    // The receiver has the delivery a moment before the provider has read its 202.
    await expect
      .poll(() => chargeById(answer.body.id)?.webhooks)
      .toEqual([expect.objectContaining({ state: 'delivered', attempts: 1, lastStatus: 202 })]);
  });

  it('declines pm_card_decline at once, with card_declined, and sends charge.failed', async () => {
    const orderId = randomUUID();
    const answer = await charge(TEST_PAYMENT_METHODS.decline, { key: orderId });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: expect.stringMatching(/^ch_/), status: 'declined', failureReason: 'card_declined' });
    await expect.poll(() => receiver.deliveries(orderId).length).toBe(1);
    expect(receiver.events(orderId)[0]).toMatchObject({
      type: 'charge.failed',
      data: { chargeId: answer.body.id, orderId, failureReason: 'card_declined' },
    });
    expect(chargeById(answer.body.id)?.status).toBe('declined');
  });

  it('answers 503 to the first attempt of pm_card_error_then_approve, and approves its retry with the same key', async () => {
    const key = randomUUID();
    const first = await charge(TEST_PAYMENT_METHODS.errorThenApprove, { key });
    expect(first.status).toBe(503);
    expect(first.body.error?.code).toBe('temporarily_unavailable');
    expect(provider.charges().filter((c) => c.idempotencyKey === key)).toEqual([]);

    const retry = await charge(TEST_PAYMENT_METHODS.errorThenApprove, { key });
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('pending');
    await expect.poll(() => receiver.deliveries(key).length).toBe(1);
    expect(receiver.events(key)[0]).toMatchObject({ type: 'charge.succeeded', data: { chargeId: retry.body.id } });

    // Another key starts over: its first attempt fails again.
    expect((await charge(TEST_PAYMENT_METHODS.errorThenApprove)).status).toBe(503);
  });

  it('accepts pm_card_no_answer and never confirms it', async () => {
    const orderId = randomUUID();
    const answer = await charge(TEST_PAYMENT_METHODS.noAnswer, { key: orderId });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('pending');
    await sleep(DELAY_MS * 6);
    expect(receiver.deliveries(orderId)).toEqual([]);
    expect(chargeById(answer.body.id)).toMatchObject({ status: 'pending', webhooks: [] });
  });

  it('refuses an unknown payment method, or a card number, with 400 and charges nothing', async () => {
    const before = provider.charges().length;
    for (const method of ['pm_card_unknown', '4242424242424242']) {
      const answer = await charge(method);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({ code: 'unknown_payment_method', message: `unknown payment method ${method}` });
    }
    expect(provider.charges()).toHaveLength(before);
  });

  it('answers 401 without the right bearer key, and charges nothing', async () => {
    const before = provider.charges().length;
    expect((await charge(TEST_PAYMENT_METHODS.approve, { apiKey: null })).status).toBe(401);
    const wrong = await charge(TEST_PAYMENT_METHODS.approve, { apiKey: 'sk_test_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe('unauthorized');
    expect(provider.charges()).toHaveLength(before);
    expect(logLines.join('\n')).not.toContain(API_KEY);
  });

  const badBodies: [string, string, string][] = [
    ['malformed JSON', '{"amount": 1', 'invalid_json'],
    ['a JSON array', '[]', 'invalid_request'],
    ['a missing amount', JSON.stringify({ currency: 'USD', paymentMethod: 'pm_card_approve', metadata: { orderId: 'o' } }), 'invalid_request'],
    ['a fractional amount', JSON.stringify({ amount: 1.5, currency: 'USD', paymentMethod: 'pm_card_approve', metadata: { orderId: 'o' } }), 'invalid_request'],
    ['a lower-case currency', JSON.stringify({ amount: 1, currency: 'usd', paymentMethod: 'pm_card_approve', metadata: { orderId: 'o' } }), 'invalid_request'],
    ['no metadata.orderId', JSON.stringify({ amount: 1, currency: 'USD', paymentMethod: 'pm_card_approve', metadata: {} }), 'invalid_request'],
    ['metadata that is not text', JSON.stringify({ amount: 1, currency: 'USD', paymentMethod: 'pm_card_approve', metadata: { orderId: 'o', n: 1 } }), 'invalid_request'],
    ['an unknown field', JSON.stringify({ amount: 1, currency: 'USD', paymentMethod: 'pm_card_approve', metadata: { orderId: 'o' }, card: '4242' }), 'invalid_request'],
  ];

  it.each(badBodies)('answers 400 to %s', async (_, body, code) => {
    const answer = await charge(TEST_PAYMENT_METHODS.approve, { body });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe(code);
  });

  it('answers 400 without an idempotency key', async () => {
    const answer = await charge(TEST_PAYMENT_METHODS.approve, { key: null });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('idempotency_key_required');
  });

  it('shows a charge at GET /v1/charges/{id}, to the key holder only', async () => {
    const answer = await charge(TEST_PAYMENT_METHODS.decline);
    const get = (apiKey: string) => fetch(`${provider.url}/v1/charges/${answer.body.id}`, { headers: { authorization: `Bearer ${apiKey}` } });

    const found = await get(API_KEY);
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ id: answer.body.id, status: 'declined', amount: 2599, currency: 'USD' });
    expect((await get('sk_test_wrong')).status).toBe(401);
    const missing = await fetch(`${provider.url}/v1/charges/ch_nope`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(missing.status).toBe(404);
    expect((await fetch(`${provider.url}/v1/charges`, { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(405);
    expect((await fetch(`${provider.url}/v2/nothing`)).status).toBe(404);
  });
});

describe('payment provider simulator: idempotency', () => {
  it('answers the same charge to the same key and body, and sends one webhook', async () => {
    const key = randomUUID();
    const first = await charge(TEST_PAYMENT_METHODS.approve, { key });
    const again = await charge(TEST_PAYMENT_METHODS.approve, { key });

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(provider.charges().filter((c) => c.idempotencyKey === key)).toHaveLength(1);

    await expect.poll(() => receiver.deliveries(key).length).toBe(1);
    // Asking again after the webhook still answers the original charge and sends nothing new.
    expect((await charge(TEST_PAYMENT_METHODS.approve, { key })).body).toEqual(first.body);
    await sleep(DELAY_MS * 4);
    expect(receiver.deliveries(key)).toHaveLength(1);
  });

  it('answers 409 to the same key with another body, and charges nothing more', async () => {
    const key = randomUUID();
    await charge(TEST_PAYMENT_METHODS.approve, { key, amount: 1000 });
    const otherAmount = await charge(TEST_PAYMENT_METHODS.approve, { key, amount: 999 });
    const otherMethod = await charge(TEST_PAYMENT_METHODS.decline, { key, amount: 1000 });

    for (const answer of [otherAmount, otherMethod]) {
      expect(answer.status).toBe(409);
      expect(answer.body.error?.code).toBe('idempotency_key_reused');
    }
    expect(provider.charges().filter((c) => c.idempotencyKey === key)).toHaveLength(1);
  });

  it('gives every webhook event its own id', async () => {
    const orders = [randomUUID(), randomUUID(), randomUUID()];
    await Promise.all(orders.map((key) => charge(TEST_PAYMENT_METHODS.approve, { key })));
    await expect.poll(() => receiver.deliveries(...orders).length).toBe(3);
    expect(new Set(receiver.events(...orders).map((e) => e.id)).size).toBe(3);
  });
});

describe('payment provider simulator: refunds, settling and the ledger', () => {
  async function refund(chargeId: string | undefined, key = randomUUID(), extra: Record<string, unknown> = {}) {
    const response = await fetch(`${provider.url}/v1/refunds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, 'idempotency-key': key },
      body: JSON.stringify({ charge: chargeId, ...extra }),
    });
    return { status: response.status, body: (await response.json()) as { id?: string; status?: string; amount?: number; error?: { code: string } } };
  }
  const succeeded = async (paymentMethod: string = TEST_PAYMENT_METHODS.approve) => {
    const answer = await charge(paymentMethod, { amount: 1000 });
    await expect.poll(() => chargeById(answer.body.id)?.status).toBe('succeeded');
    return answer.body.id;
  };

  it('refunds a succeeded charge, whole, and sends a signed refund.succeeded; the ledger counts it', async () => {
    const before = provider.ledger();
    const chargeId = await succeeded();
    const answer = await refund(chargeId);
    expect(answer).toEqual({ status: 200, body: expect.objectContaining({ id: expect.stringMatching(/^re_/), status: 'pending', amount: 1000 }) });
    await expect.poll(() => chargeById(chargeId)?.refunds[0]?.status).toBe('succeeded');
    const refundEvent = () => receiver.events(chargeById(chargeId)?.orderId ?? '').find((e) => e.type === 'refund.succeeded');
    await expect.poll(refundEvent).toBeDefined();
    expect(refundEvent()?.data).toMatchObject({ refundId: answer.body.id, chargeId, amount: 1000 });
    const after = provider.ledger();
    expect((after.charged['USD'] ?? 0) - (before.charged['USD'] ?? 0)).toBe(1000);
    expect((after.refunded['USD'] ?? 0) - (before.refunded['USD'] ?? 0)).toBe(1000);
  });

  it('never refunds more than was charged, and replays the same key', async () => {
    const chargeId = await succeeded();
    const key = randomUUID();
    const first = await refund(chargeId, key, { amount: 600 });
    expect((await refund(chargeId, key, { amount: 600 })).body.id).toBe(first.body.id);
    expect(await refund(chargeId, randomUUID(), { amount: 500 })).toMatchObject({ status: 400, body: { error: { code: 'amount_too_large' } } });
    expect(await refund(chargeId, key, { amount: 400 })).toMatchObject({ status: 409, body: { error: { code: 'idempotency_key_reused' } } });
    expect((await refund(chargeId, randomUUID(), { amount: 400 })).status).toBe(200);
    expect(await refund(chargeId, randomUUID())).toMatchObject({ status: 400, body: { error: { code: 'charge_already_refunded' } } });
  });

  it('fails the first refund of pm_card_refund_fails_once by webhook, and lets a second one succeed', async () => {
    const chargeId = await succeeded(TEST_PAYMENT_METHODS.refundFailsOnce);
    await refund(chargeId);
    await expect.poll(() => chargeById(chargeId)?.refunds[0]?.status).toBe('failed');
    expect((await refund(chargeId)).status).toBe(200);
    await expect.poll(() => chargeById(chargeId)?.refunds.map((r) => r.status)).toEqual(['failed', 'succeeded']);
  });

  it('fails every refund of pm_card_refund_fails by webhook, however often it is asked', async () => {
    const chargeId = await succeeded(TEST_PAYMENT_METHODS.refundFails);
    for (const attempt of [1, 2, 3]) {
      expect((await refund(chargeId)).status).toBe(200);
      await expect.poll(() => chargeById(chargeId)?.refunds.map((r) => r.status)).toEqual(Array(attempt).fill('failed'));
    }
    const orderId = chargeById(chargeId)?.orderId ?? '';
    await expect.poll(() => receiver.events(orderId).filter((e) => e.type === 'refund.failed').length).toBe(3);
  });

  it('lets an operator refund by hand (the dashboard) a charge whose refunds fail: it succeeds, webhook and all, and GET /v1/charges/{id} counts it in amountRefunded', async () => {
    const chargeId = (await succeeded(TEST_PAYMENT_METHODS.refundFails)) ?? '';
    const amountRefunded = async () =>
      ((await (await fetch(`${provider.url}/v1/charges/${chargeId}`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as { amountRefunded: number }).amountRefunded;
    await refund(chargeId);
    await expect.poll(() => chargeById(chargeId)?.refunds.map((r) => r.status)).toEqual(['failed']);
    expect(await amountRefunded()).toBe(0);

    expect(provider.refundByHand(chargeId, 500)).toMatchObject({ status: 200, body: { status: 'pending', amount: 500 } });
    await expect.poll(amountRefunded).toBe(500);
    expect(provider.refundByHand(chargeId)).toMatchObject({ status: 200, body: { amount: (chargeById(chargeId)?.amount ?? 0) - 500 } });
    await expect.poll(() => chargeById(chargeId)?.refunds.map((r) => [r.status, r.byHand ?? false])).toEqual([
      ['failed', false],
      ['succeeded', true],
      ['succeeded', true],
    ]);
    expect(await amountRefunded()).toBe(chargeById(chargeId)?.amount);
    const orderId = chargeById(chargeId)?.orderId ?? '';
    await expect.poll(() => receiver.events(orderId).filter((e) => e.type === 'refund.succeeded').length).toBe(2);
    expect(provider.refundByHand(chargeId)).toMatchObject({ status: 400, body: { error: { code: 'charge_already_refunded' } } });
    expect(provider.refundByHand('ch_nope')).toMatchObject({ status: 404 });
  });

  it('fails a refund that succeeded, on demand (a closed card account): refund.failed goes out, amountRefunded drops, and it may be refunded again', async () => {
    const chargeId = (await succeeded(TEST_PAYMENT_METHODS.approve)) ?? '';
    await refund(chargeId);
    await expect.poll(() => chargeById(chargeId)?.refunds.map((r) => r.status)).toEqual(['succeeded']);
    const refundId = chargeById(chargeId)?.refunds[0]?.id ?? '';

    expect(provider.failRefund(refundId)).toBe(true);
    expect(chargeById(chargeId)?.refunds[0]).toMatchObject({ status: 'failed', failureReason: 'account_closed' });
    const orderId = chargeById(chargeId)?.orderId ?? '';
    await expect.poll(() => receiver.events(orderId).filter((e) => e.type === 'refund.failed').map((e) => (e.data as { refundId: string }).refundId)).toEqual([refundId]);
    expect(provider.failRefund(refundId)).toBe(false);
    expect(provider.failRefund('re_nope')).toBe(false);
    // The money is the merchant's again: all of it may be refunded once more.
    expect(provider.refundByHand(chargeId)).toMatchObject({ status: 200, body: { amount: chargeById(chargeId)?.amount } });
  });

  it('refuses to refund a charge that is not succeeded, or that does not exist', async () => {
    const declined = await charge(TEST_PAYMENT_METHODS.decline);
    expect(await refund(declined.body.id)).toMatchObject({ status: 400, body: { error: { code: 'charge_not_refundable' } } });
    expect(await refund('ch_nope')).toMatchObject({ status: 404 });
    expect(await refund(undefined)).toMatchObject({ status: 400 });
  });

  it('settles a pending charge on demand (a late confirmation), and sends an event again on demand', async () => {
    const answer = await charge(TEST_PAYMENT_METHODS.noAnswer);
    const orderId = chargeById(answer.body.id)?.orderId ?? '';
    expect(provider.settle(answer.body.id ?? '')).toBe(true);
    expect(provider.settle(answer.body.id ?? '')).toBe(false);
    await expect.poll(() => receiver.events(orderId).map((e) => e.type)).toEqual(['charge.succeeded']);
    const [event] = receiver.events(orderId);
    expect(provider.redeliver(event?.id ?? '')).toBe(true);
    await expect.poll(() => receiver.events(orderId).map((e) => e.id)).toEqual([event?.id, event?.id]);
    expect(provider.redeliver('evt_nope')).toBe(false);
  });
});

describe('payment provider simulator: webhook delivery', () => {
  it('retries a webhook 1 s apart until it gets a 2xx, signing each attempt', async () => {
    const orderId = randomUUID();
    receiver.answerWith(orderId, 500, 503);
    const answer = await charge(TEST_PAYMENT_METHODS.approve, { key: orderId });

    await expect.poll(() => receiver.deliveries(orderId).length, { timeout: 5000 }).toBe(3);
    const deliveries = receiver.deliveries(orderId);
    expect(new Set(receiver.events(orderId).map((e) => e.id)).size).toBe(1);
    for (const d of deliveries) expect(verifies(d.headers['provider-signature'], d.body)).toBe(true);
    const gaps = deliveries.slice(1).map((d, i) => d.receivedAt - (deliveries[i]?.receivedAt ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
    await expect.poll(() => chargeById(answer.body.id)?.webhooks[0]?.state).toBe('delivered');
    expect(chargeById(answer.body.id)?.webhooks[0]).toMatchObject({ attempts: 3, lastStatus: 202 });
    // A retry does not move the time of the first send.
    const firstSentAt = Date.parse(chargeById(answer.body.id)?.webhooks[0]?.firstSentAt ?? '');
    expect(Math.abs(firstSentAt - (deliveries[0]?.receivedAt ?? 0))).toBeLessThan(100);
    await sleep(1200);
    expect(receiver.deliveries(orderId)).toHaveLength(3);
  });

  it('gives up after the first delivery and 3 retries', async () => {
    const orderId = randomUUID();
    receiver.answerWith(orderId, 500, 500, 500, 500, 500);
    const answer = await charge(TEST_PAYMENT_METHODS.decline, { key: orderId });

    await expect.poll(() => chargeById(answer.body.id)?.webhooks[0]?.state, { timeout: 6000 }).toBe('failed');
    expect(receiver.deliveries(orderId)).toHaveLength(4);
    expect(chargeById(answer.body.id)?.webhooks[0]).toMatchObject({ attempts: 4, lastStatus: 500 });
  });

  it('retries when the shop does not answer at all', async () => {
    // A port nothing listens on: every delivery is refused.
    const closedPort = await freePort();
    const quiet = await startPaymentProvider({
      apiKey: API_KEY,
      webhookSecret: SECRET,
      webhookUrl: `http://127.0.0.1:${closedPort}/payment/webhook`,
      webhookDelayMs: 0,
    });
    try {
      const response = await fetch(`${quiet.url}/v1/charges`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 100, currency: 'EUR', paymentMethod: TEST_PAYMENT_METHODS.approve, metadata: { orderId: 'o-1' } }),
      });
      expect(response.status).toBe(200);
      await expect.poll(() => quiet.charges()[0]?.webhooks[0]?.attempts, { timeout: 3000 }).toBe(2);
      expect(quiet.charges()[0]?.webhooks[0]).toMatchObject({ state: 'delivering', lastError: expect.any(String) });
    } finally {
      await quiet.stop();
    }
    expect(quiet.charges()[0]?.webhooks[0]?.state).toBe('cancelled');
  });

  it('stop() cancels webhooks not yet sent and closes the server', async () => {
    const short = await startPaymentProvider({ apiKey: API_KEY, webhookSecret: SECRET, webhookUrl: receiver.url, webhookDelayMs: 200 });
    const response = await fetch(`${short.url}/v1/charges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 100, currency: 'EUR', paymentMethod: TEST_PAYMENT_METHODS.approve, metadata: { orderId: 'stopped-early' } }),
    });
    expect(response.status).toBe(200);

    await short.stop();
    await short.stop();
    await sleep(400);
    expect(receiver.deliveries('stopped-early')).toEqual([]);
    await expect(fetch(`${short.url}/v1/charges`)).rejects.toThrow();
  });
});
