import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
// Deep imports: only the simulator, not the whole local cloud.
import { freePort, type PaymentProvider as Simulator, startPaymentProvider } from '@shop/local-cloud';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { paymentProviderClient } from '../../src/adapters/payment-provider-client';
import { PaymentProviderBusyError, PaymentProviderRejectedError, PaymentProviderUnavailableError } from '../../src/domain/payment-provider';
import { PaymentSecretUnavailableError } from '../../src/domain/payment-secrets';
import { checkWebhookSignature } from '../../src/domain/webhook-signature';
import { API_KEY, PROVIDER_URL, WEBHOOK_SECRET } from '../fixtures';

const request = { orderId: '0d2c5a0e-6b1f-4c8e-9a7d-3e2f1b0c9d8e', amount: 3300, currency: 'USD', paymentMethod: TEST_PAYMENT_METHODS.approve };
const inTenSeconds = () => ({ deadline: Date.now() + 10_000 });

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const refused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

/** A client whose fetch answers from a script, and whose waits are recorded instead of slept. */
function scripted(...answers: (Response | Error)[]) {
  const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => {
    const next = answers.shift();
    if (!next) throw new Error('no more scripted answers');
    if (next instanceof Error) throw next;
    return next;
  });
  const waits: number[] = [];
  const client = paymentProviderClient({
    config: () => ({ url: PROVIDER_URL, apiKey: API_KEY }),
    fetch: fetch as unknown as typeof globalThis.fetch,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
  });
  return { client, fetch, waits };
}

describe('payment provider client', () => {
  it('sends the API key its secrets hold, read at the call, with the URL from the environment', async () => {
    vi.stubEnv('PAYMENT_PROVIDER_URL', `${PROVIDER_URL}/`);
    const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => json(200, { id: 'ch_1', status: 'pending' }));
    const apiKey = vi.fn(async () => API_KEY);
    const client = paymentProviderClient({ secrets: { apiKey, webhookSecret: async () => WEBHOOK_SECRET }, fetch: fetch as unknown as typeof globalThis.fetch });
    expect(apiKey).not.toHaveBeenCalled();

    await client.charge(request, inTenSeconds());
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe(`${PROVIDER_URL}/v1/charges`);
    expect(init?.headers).toMatchObject({ authorization: `Bearer ${API_KEY}` });
    vi.unstubAllEnvs();
  });

  it('asks the provider nothing when the API key cannot be read, and says so with a 503', async () => {
    vi.stubEnv('PAYMENT_PROVIDER_URL', PROVIDER_URL);
    const fetch = vi.fn();
    const unreadable = new PaymentSecretUnavailableError('/shop/test/payment-provider/api-key', new Error('AccessDeniedException'));
    const client = paymentProviderClient({
      secrets: { apiKey: () => Promise.reject(unreadable), webhookSecret: async () => WEBHOOK_SECRET },
      fetch: fetch as unknown as typeof globalThis.fetch,
    });

    await expect(client.charge(request, inTenSeconds())).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(fetch).not.toHaveBeenCalled();
    vi.unstubAllEnvs();
  });

  it('POSTs the charge as the contract says: bearer key, order id as idempotency key, metadata.orderId', async () => {
    const { client, fetch } = scripted(json(200, { id: 'ch_1', status: 'pending' }));
    const result = await client.charge(request, inTenSeconds());

    expect(result).toEqual({ chargeId: 'ch_1', status: 'pending', attempts: 1 });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe(`${PROVIDER_URL}/v1/charges`);
    expect(init?.method).toBe('POST');
    expect(init?.headers).toMatchObject({ authorization: `Bearer ${API_KEY}`, 'idempotency-key': request.orderId });
    expect(JSON.parse(String(init?.body))).toEqual({
      amount: 3300,
      currency: 'USD',
      paymentMethod: TEST_PAYMENT_METHODS.approve,
      metadata: { orderId: request.orderId },
    });
  });

  it("gives the charge the order's correlation id in its metadata, for the provider to echo in its webhooks", async () => {
    const { client, fetch } = scripted(json(200, { id: 'ch_1', status: 'pending' }));
    await client.charge({ ...request, correlationId: 'order-corr-1' }, inTenSeconds());
    expect(JSON.parse(String(fetch.mock.calls[0]?.[1]?.body)).metadata).toEqual({ orderId: request.orderId, correlationId: 'order-corr-1' });
  });

  it('retries 5xx and network errors with backoff (100, then 200 ms), with the same idempotency key', async () => {
    const { client, fetch, waits } = scripted(json(503, { error: { message: 'busy' } }), refused(), json(200, { id: 'ch_2', status: 'pending' }));
    const result = await client.charge(request, inTenSeconds());

    expect(result).toMatchObject({ chargeId: 'ch_2', attempts: 3 });
    expect(waits).toEqual([100, 200]);
    const keys = fetch.mock.calls.map(([, init]) => (init?.headers as Record<string, string>)['idempotency-key']);
    expect(keys).toEqual([request.orderId, request.orderId, request.orderId]);
  });

  it('gives up after 3 attempts with PaymentProviderUnavailableError', async () => {
    const { client, fetch } = scripted(json(500, {}), json(502, {}), refused());
    const error = await client.charge(request, inTenSeconds()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(error).toMatchObject({ attempts: 3, lastProblem: 'ECONNREFUSED' });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('does not retry past the deadline', async () => {
    const { client, fetch } = scripted(json(503, {}), json(200, { id: 'ch_late', status: 'pending' }));
    // 300 ms left: one attempt fits, a retry (100 ms wait + at least 250 ms to try) does not.
    const error = await client.charge(request, { deadline: Date.now() + 300 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('does not even try when no time is left', async () => {
    const { client, fetch } = scripted();
    await expect(client.charge(request, { deadline: Date.now() + 100 })).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('does not retry a 4xx: PaymentProviderRejectedError with the status and the message', async () => {
    const { client, fetch } = scripted(json(400, { error: { code: 'unknown_payment_method', message: 'unknown payment method pm_x' } }));
    const error = await client.charge(request, inTenSeconds()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PaymentProviderRejectedError);
    expect(error).toMatchObject({ providerStatus: 400, providerMessage: 'unknown payment method pm_x', attempts: 1 });
    expect(fetch).toHaveBeenCalledOnce();
  });

  it('retries a 409 idempotency_key_in_use (another request with the key is in progress) with the same key, and gives up on it as the provider busy with it', async () => {
    const inUse = () => json(409, { error: { code: 'idempotency_key_in_use', message: 'another request with this key is in progress' } });
    const retried = scripted(inUse(), json(200, { id: 're_2', status: 'pending', amount: 3300, currency: 'usd' }));
    const answer = await retried.client.refund({ chargeId: 'ch_1', orderId: request.orderId, idempotencyKey: 'refund-ch_1-1', attempt: 1, reason: 'order cancelled' }, inTenSeconds());
    expect(answer).toMatchObject({ refundId: 're_2', status: 'pending' });
    const keys = retried.fetch.mock.calls.map(([, init]) => (init?.headers as Record<string, string>)['idempotency-key']);
    expect(keys).toEqual(['refund-ch_1-1', 'refund-ch_1-1']);

    // Busy with this very request, which a refund takes as any unanswered request (the queue retries it).
    const lasting = scripted(inUse(), inUse(), inUse());
    const error = await lasting.client.charge(request, inTenSeconds()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentProviderBusyError);
    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(error).toMatchObject({ attempts: 3, lastProblem: 'HTTP 409: another request with this key is in progress' });

    // Only when the last answer was the key in use: a provider that then stops answering is down.
    const thenDown = scripted(inUse(), json(503, { error: { message: 'temporarily unavailable' } }), json(503, { error: { message: 'temporarily unavailable' } }));
    const down = await thenDown.client.charge(request, inTenSeconds()).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(down).not.toBeInstanceOf(PaymentProviderBusyError);
  });

  it('does not retry a 409 idempotency_key_reused: the key was used with another request', async () => {
    const { client, fetch } = scripted(json(409, { error: { code: 'idempotency_key_reused', message: 'idempotency key used with another request' } }));
    const error = await client.charge(request, inTenSeconds()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentProviderRejectedError);
    expect(error).toMatchObject({ providerStatus: 409, providerCode: 'idempotency_key_reused', attempts: 1 });
    expect(fetch).toHaveBeenCalledOnce();
  });

  it('treats a 200 it cannot read as the provider not answering usefully', async () => {
    const { client } = scripted(new Response('<html>oops</html>', { status: 200 }));
    await expect(client.charge(request, inTenSeconds())).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
  });

  it('never puts the API key in its errors', async () => {
    const { client } = scripted(json(500, {}), json(500, {}), json(500, {}));
    const error = (await client.charge(request, inTenSeconds()).catch((e: unknown) => e)) as Error;
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(API_KEY);
  });

  it('never quotes the header fetch refused to build: its message holds the Authorization value, the API key', async () => {
    const unbuildable = () => new TypeError(`Headers.append: "Bearer ${API_KEY}" is an invalid header value.`);
    const { client } = scripted(unbuildable(), unbuildable(), unbuildable());
    const error = (await client.charge(request, inTenSeconds()).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('the request could not be built');
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(API_KEY);
  });
});

describe('payment provider client against the simulator', () => {
  let simulator: Simulator;
  const webhooks: { signature: string | undefined; body: Buffer }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      webhooks.push({ signature: req.headers['provider-signature'] as string | undefined, body: Buffer.concat(chunks) });
      res.writeHead(202).end();
    });
  });

  beforeAll(async () => {
    const port = await freePort();
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    simulator = await startPaymentProvider({
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      webhookUrl: `http://127.0.0.1:${port}/payment/webhook`,
      webhookDelayMs: 20,
    });
  });
  afterAll(async () => {
    await simulator.stop();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const client = () => paymentProviderClient({ config: () => ({ url: simulator.url, apiKey: API_KEY }) });

  it('retries the 503 of pm_card_error_then_approve and gets the charge; the webhook verifies with our secret', async () => {
    const orderId = randomUUID();
    const result = await client().charge({ ...request, orderId, paymentMethod: TEST_PAYMENT_METHODS.errorThenApprove }, inTenSeconds());

    expect(result).toMatchObject({ status: 'pending', attempts: 2 });
    expect(simulator.charges().filter((c) => c.orderId === orderId)).toEqual([expect.objectContaining({ id: result.chargeId })]);

    await expect.poll(() => webhooks.filter((w) => w.body.includes(orderId)).length).toBe(1);
    const webhook = webhooks.find((w) => w.body.includes(orderId));
    const check = checkWebhookSignature({
      header: webhook?.signature,
      rawBody: webhook?.body ?? Buffer.alloc(0),
      secret: WEBHOOK_SECRET,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    expect(check.valid).toBe(true);
    expect(JSON.parse(String(webhook?.body))).toMatchObject({ type: 'charge.succeeded', data: { chargeId: result.chargeId, orderId } });
  });

  it('gets a decline at once, and the same charge again for the same order', async () => {
    const orderId = randomUUID();
    const first = await client().charge({ ...request, orderId, paymentMethod: TEST_PAYMENT_METHODS.decline }, inTenSeconds());
    const again = await client().charge({ ...request, orderId, paymentMethod: TEST_PAYMENT_METHODS.decline }, inTenSeconds());

    expect(first).toEqual({ chargeId: expect.stringMatching(/^ch_/), status: 'declined', failureReason: 'card_declined', attempts: 1 });
    expect(again.chargeId).toBe(first.chargeId);
  });

  /** A charge that succeeded, once its webhook has come. */
  async function succeededCharge(paymentMethod: string = TEST_PAYMENT_METHODS.approve) {
    const orderId = randomUUID();
    const charge = await client().charge({ ...request, orderId, paymentMethod }, inTenSeconds());
    await expect.poll(() => simulator.charges().find((c) => c.id === charge.chargeId)?.status).toBe('succeeded');
    return { orderId, chargeId: charge.chargeId };
  }
  const refund = (chargeId: string, orderId: string, idempotencyKey: string) =>
    client().refund({ chargeId, orderId, idempotencyKey, attempt: 1, reason: 'order cancelled', correlationId: 'order-corr-1' }, inTenSeconds());

  it('refunds a succeeded charge whole, once per idempotency key, and the refund webhook names it and the shop’s attempt', async () => {
    const { orderId, chargeId } = await succeededCharge();
    const first = await refund(chargeId, orderId, `refund-${chargeId}-1`);
    const again = await refund(chargeId, orderId, `refund-${chargeId}-1`);

    expect(first).toEqual({ refundId: expect.stringMatching(/^re_/), status: 'pending', amount: 3300, currency: 'USD' });
    expect(again.refundId).toBe(first.refundId);
    await expect.poll(() => webhooks.filter((w) => w.body.includes(first.refundId)).length).toBe(1);
    const event = JSON.parse(String(webhooks.find((w) => w.body.includes(first.refundId))?.body));
    expect(event).toMatchObject({ type: 'refund.succeeded', data: { refundId: first.refundId, chargeId, orderId, amount: 3300, metadata: { correlationId: 'order-corr-1', refundAttempt: '1' } } });
    expect(simulator.ledger()).toMatchObject({ refunded: { USD: expect.any(Number) } });
  });

  it('is refused (400 charge_already_refunded) a second refund of the same charge under another key: never more than was charged', async () => {
    const { orderId, chargeId } = await succeededCharge();
    await refund(chargeId, orderId, `refund-${chargeId}-1`);
    const second = refund(chargeId, orderId, `refund-${chargeId}-2`);
    await expect(second).rejects.toBeInstanceOf(PaymentProviderRejectedError);
    await expect(second).rejects.toMatchObject({ providerStatus: 400, providerCode: 'charge_already_refunded' });
  });

  it('lets the first refund of pm_card_refund_fails_once fail by webhook, and a second attempt succeed', async () => {
    const { orderId, chargeId } = await succeededCharge(TEST_PAYMENT_METHODS.refundFailsOnce);
    const first = await refund(chargeId, orderId, `refund-${chargeId}-1`);
    await expect.poll(() => webhooks.some((w) => w.body.includes(first.refundId) && w.body.includes('refund.failed'))).toBe(true);
    const second = await refund(chargeId, orderId, `refund-${chargeId}-2`);
    await expect.poll(() => webhooks.some((w) => w.body.includes(second.refundId) && w.body.includes('refund.succeeded'))).toBe(true);
    expect(simulator.charges().find((c) => c.id === chargeId)?.refunds.map((r) => r.status)).toEqual(['failed', 'succeeded']);
  });

  it('reads the provider’s account of a charge: what it took, and what succeeded refunds gave back, an operator’s by hand too', async () => {
    const { orderId, chargeId } = await succeededCharge(TEST_PAYMENT_METHODS.refundFails);
    expect(await client().chargeRefunds(chargeId, inTenSeconds())).toEqual({ chargeId, amount: { amount: 3300, currency: 'USD' }, refunded: { amount: 0, currency: 'USD' } });

    // The shop's refund fails (this card's refunds do); an operator's, by hand, of part and then of the rest, succeed.
    const ours = await refund(chargeId, orderId, `refund-${chargeId}-1`);
    await expect.poll(() => simulator.charges().find((c) => c.id === chargeId)?.refunds.find((r) => r.id === ours.refundId)?.status).toBe('failed');
    expect(simulator.refundByHand(chargeId, 1000)).toMatchObject({ status: 200, body: { status: 'pending', amount: 1000 } });
    await expect.poll(async () => (await client().chargeRefunds(chargeId, inTenSeconds())).refunded).toEqual({ amount: 1000, currency: 'USD' });
    simulator.refundByHand(chargeId);
    await expect.poll(async () => (await client().chargeRefunds(chargeId, inTenSeconds())).refunded).toEqual({ amount: 3300, currency: 'USD' });

    await expect(refund(chargeId, orderId, `refund-${chargeId}-2`)).rejects.toMatchObject({ providerStatus: 400, providerCode: 'charge_already_refunded' });
    await expect(client().chargeRefunds('ch_nope', inTenSeconds())).rejects.toMatchObject({ providerStatus: 404 });
  });

  it('is refused a refund of a charge that does not exist, or has not succeeded', async () => {
    await expect(refund('ch_nope', randomUUID(), 'refund-nope-1')).rejects.toMatchObject({ providerStatus: 404 });
    const declined = await client().charge({ ...request, orderId: randomUUID(), paymentMethod: TEST_PAYMENT_METHODS.decline }, inTenSeconds());
    await expect(refund(declined.chargeId, randomUUID(), `refund-${declined.chargeId}-1`)).rejects.toMatchObject({
      providerStatus: 400,
      providerCode: 'charge_not_refundable',
    });
  });

  it('is refused with 401 when its key is wrong', async () => {
    const wrongKey = paymentProviderClient({ config: () => ({ url: simulator.url, apiKey: 'sk_test_wrong' }) });
    await expect(wrongKey.charge(request, inTenSeconds())).rejects.toMatchObject({ providerStatus: 401 });
  });
});
