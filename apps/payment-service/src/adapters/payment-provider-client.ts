import { requireEnv } from '@shop/common';
import * as z from 'zod/mini';
import { backoffDelayMs } from '../domain/backoff';
import {
  type ChargeOptions,
  type ChargeRequest,
  type ChargeRefunds,
  type ChargeResult,
  type PaymentProvider,
  PaymentProviderBusyError,
  PaymentProviderRejectedError,
  PaymentProviderUnavailableError,
  type RefundAnswer,
} from '../domain/payment-provider';
import type { PaymentSecrets } from '../domain/payment-secrets';
import { REFUND_ATTEMPT_METADATA } from '../domain/refund-record';
import { ssmPaymentSecrets } from './ssm-payment-secrets';

/** The provider's answer to a charge (docs/checkout-contract.md). */
const ChargeAnswer = z.object({
  id: z.string().check(z.minLength(1)),
  status: z.enum(['pending', 'declined']),
  failureReason: z.optional(z.string()),
});

/** The provider's answer to a refund. */
const RefundAnswerBody = z.object({
  id: z.string().check(z.minLength(1)),
  status: z.enum(['pending', 'succeeded', 'failed']),
  amount: z.int(),
  currency: z.string(),
  failureReason: z.optional(z.string()),
});

/** What the shop reads of a charge: what it took and what its succeeded refunds gave back (Stripe's `amount_refunded`). */
const ChargeBody = z.object({
  amount: z.int(),
  currency: z.string().check(z.minLength(1)),
  amountRefunded: z.int(),
});

export interface ProviderConfig {
  url: string;
  apiKey: string;
}

export interface PaymentProviderClientOptions {
  /**
   * Read at each call, not at load: cold start stays light, a rotated key is picked up (within the
   * secrets' cache lifetime), and tests set it per test. By default the URL from the environment
   * and the API key from `secrets`.
   */
  config?: () => ProviderConfig | Promise<ProviderConfig>;
  /** Where the default `config` reads the API key: SSM Parameter Store unless given. */
  secrets?: PaymentSecrets;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** The longest one request may take. */
  attemptTimeoutMs?: number;
}

/** Below this much time left, another attempt is not worth starting. */
const MIN_ATTEMPT_MS = 250;

function configFrom(secrets: PaymentSecrets): () => Promise<ProviderConfig> {
  return async () => ({ url: requireEnv('PAYMENT_PROVIDER_URL').replace(/\/+$/, ''), apiKey: await secrets.apiKey() });
}

/**
 * The payment provider over HTTP with plain `fetch`. Retries what may pass on a second try
 * (5xx, 429, a key still in use, network errors, timeouts) with exponential backoff and jitter, never past the
 * caller's deadline; the order id as idempotency key makes every retry safe. A 4xx is final.
 * The API key goes in the authorization header and nowhere else: not in errors, not in logs.
 */
export function paymentProviderClient(options: PaymentProviderClientOptions = {}): PaymentProvider {
  const config = options.config ?? configFrom(options.secrets ?? ssmPaymentSecrets());
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;

  /**
   * One request, retried while it may pass on a second try and time allows. A POST's idempotency
   * key makes every retry the same request to the provider; a GET changes nothing.
   */
  async function call(
    path: string,
    request: { body: string; idempotencyKey: string } | undefined,
    { deadline, log }: ChargeOptions,
  ): Promise<{ response: Response; attempts: number }> {
    // A key that cannot be read fails before the provider is asked (PaymentSecretUnavailableError, 503).
    const { url, apiKey } = await config();
    let attempts = 0;
    let lastProblem = 'no time left to ask';
    let lastInUse = false;
    while (attempts < maxAttempts) {
      const timeLeft = deadline - now();
      if (timeLeft < MIN_ATTEMPT_MS) break;
      attempts += 1;
      const response = await send(`${url}${path}`, {
        ...(request
          ? {
              method: 'POST',
              headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey },
              body: request.body,
            }
          : { method: 'GET', headers: { authorization: `Bearer ${apiKey}` } }),
        signal: AbortSignal.timeout(Math.min(attemptTimeoutMs, timeLeft)),
      }).catch((error: unknown) => describeNetworkError(error));

      if (typeof response === 'string') {
        lastProblem = response;
        lastInUse = false;
      } else if (response.ok) {
        return { response, attempts };
      } else {
        const { code, message } = await errorOf(response);
        if (!isRetryable(response.status, code)) throw new PaymentProviderRejectedError(response.status, message, attempts, code);
        lastProblem = `HTTP ${response.status}: ${message}`;
        lastInUse = response.status === 409 && code === IDEMPOTENCY_KEY_IN_USE;
      }
      if (attempts >= maxAttempts) break;
      const delay = backoffDelayMs(attempts, baseDelayMs, options.random);
      if (now() + delay + MIN_ATTEMPT_MS > deadline) break;
      log?.warn({ path, attempt: attempts, problem: lastProblem, retryInMs: delay }, 'payment provider attempt failed; retrying');
      await sleep(delay);
    }
    throw lastInUse ? new PaymentProviderBusyError(attempts, lastProblem) : new PaymentProviderUnavailableError(attempts, lastProblem);
  }

  return {
    async charge(request: ChargeRequest, chargeOptions): Promise<ChargeResult> {
      const body = JSON.stringify({
        amount: request.amount,
        currency: request.currency,
        paymentMethod: request.paymentMethod,
        metadata: { orderId: request.orderId, ...(request.correlationId && { correlationId: request.correlationId }) },
      });
      const { response, attempts } = await call('/v1/charges', { body, idempotencyKey: request.orderId }, chargeOptions);
      return { ...(await readCharge(response, attempts)), attempts };
    },

    async refund(request, refundOptions): Promise<RefundAnswer> {
      const body = JSON.stringify({
        charge: request.chargeId,
        reason: request.reason,
        metadata: {
          orderId: request.orderId,
          [REFUND_ATTEMPT_METADATA]: String(request.attempt),
          ...(request.correlationId && { correlationId: request.correlationId }),
        },
      });
      const { response, attempts } = await call('/v1/refunds', { body, idempotencyKey: request.idempotencyKey }, refundOptions);
      const parsed = RefundAnswerBody.safeParse(await response.json().catch(() => undefined));
      // The refund may exist, but we cannot tell: the retry (same key) will find out.
      if (!parsed.success) throw new PaymentProviderUnavailableError(attempts, `unexpected answer to a refund (HTTP ${response.status})`);
      const { id, status, amount, currency, failureReason } = parsed.data;
      return { refundId: id, status, amount, currency, ...(failureReason ? { failureReason } : {}) };
    },

    async chargeRefunds(chargeId, readOptions): Promise<ChargeRefunds> {
      const { response, attempts } = await call(`/v1/charges/${encodeURIComponent(chargeId)}`, undefined, readOptions);
      const parsed = ChargeBody.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new PaymentProviderUnavailableError(attempts, `unexpected answer for a charge (HTTP ${response.status})`);
      const { amount, currency, amountRefunded } = parsed.data;
      return { chargeId, amount: { amount, currency: currency.toUpperCase() }, refunded: { amount: amountRefunded, currency: currency.toUpperCase() } };
    },
  };
}

/**
 * Answers that may pass on a second try: the provider's own trouble, its rate limit, and its
 * `idempotency_key_in_use` (409), which Stripe answers while another request with the same key is
 * still in progress (a retry that overtook the request it repeats). Any other 4xx is final; a 409
 * `idempotency_key_reused` (the key was used with another request) among them.
 */
function isRetryable(status: number, code: string | undefined): boolean {
  return status >= 500 || status === 429 || status === 408 || (status === 409 && code === IDEMPOTENCY_KEY_IN_USE);
}

const IDEMPOTENCY_KEY_IN_USE = 'idempotency_key_in_use';

async function readCharge(response: Response, attempts: number): Promise<Omit<ChargeResult, 'attempts'>> {
  const parsed = ChargeAnswer.safeParse(await response.json().catch(() => undefined));
  // The charge may exist, but we cannot tell: the caller's retry (same key) will find out.
  if (!parsed.success) throw new PaymentProviderUnavailableError(attempts, `unexpected answer to a charge (HTTP ${response.status})`);
  const { id, status, failureReason } = parsed.data;
  return { chargeId: id, status, ...(failureReason ? { failureReason } : {}) };
}

/** The provider's `{error: {code, message}}`, or a short piece of whatever it sent. */
async function errorOf(response: Response): Promise<{ code?: string; message: string }> {
  const text = await response.text().catch(() => '');
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.message === 'string' && error.message) {
      return { message: error.message, ...(typeof error.code === 'string' && { code: error.code }) };
    }
  } catch {
    // Not JSON: fall through.
  }
  return { message: text.slice(0, 200) || response.statusText || `HTTP ${response.status}` };
}

/** Why a request got no answer, in a few words (never the request itself, which holds the key). */
function describeNetworkError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  // A TypeError without a cause is fetch refusing to build the request (a header value it will not
  // send): its message quotes the value, and the Authorization header holds the API key.
  if (e.name === 'TypeError' && !e.cause) return 'the request could not be built';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
