import { requireEnv } from '@shop/common';
import * as z from 'zod';
import { backoffDelayMs } from '../domain/backoff';
import {
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  PaymentProviderRejectedError,
  PaymentProviderUnavailableError,
} from '../domain/payment-provider';

/** The provider's answer to a charge (docs/checkout-contract.md). */
const ChargeAnswer = z.object({
  id: z.string().min(1),
  status: z.enum(['pending', 'declined']),
  failureReason: z.string().optional(),
});

export interface ProviderConfig {
  url: string;
  apiKey: string;
}

export interface PaymentProviderClientOptions {
  /** Read at each call, not at load: cold start stays light and tests set it per test. */
  config?: () => ProviderConfig;
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

function configFromEnv(): ProviderConfig {
  return { url: requireEnv('PAYMENT_PROVIDER_URL').replace(/\/+$/, ''), apiKey: requireEnv('PAYMENT_PROVIDER_API_KEY') };
}

/**
 * The payment provider over HTTP with plain `fetch`. Retries what may pass on a second try
 * (5xx, 429, network errors, timeouts) with exponential backoff and jitter, never past the
 * caller's deadline; the order id as idempotency key makes every retry safe. A 4xx is final.
 * The API key goes in the authorization header and nowhere else: not in errors, not in logs.
 */
export function paymentProviderClient(options: PaymentProviderClientOptions = {}): PaymentProvider {
  const config = options.config ?? configFromEnv;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;

  return {
    async charge(request: ChargeRequest, { deadline, log }): Promise<ChargeResult> {
      const { url, apiKey } = config();
      const body = JSON.stringify({
        amount: request.amount,
        currency: request.currency,
        paymentMethod: request.paymentMethod,
        metadata: { orderId: request.orderId, ...(request.correlationId && { correlationId: request.correlationId }) },
      });
      let attempts = 0;
      let lastProblem = 'no time left to ask';

      while (attempts < maxAttempts) {
        const timeLeft = deadline - now();
        if (timeLeft < MIN_ATTEMPT_MS) break;
        attempts += 1;
        const response = await send(`${url}/v1/charges`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': request.orderId,
          },
          body,
          signal: AbortSignal.timeout(Math.min(attemptTimeoutMs, timeLeft)),
        }).catch((error: unknown) => describeNetworkError(error));

        if (typeof response === 'string') {
          lastProblem = response;
        } else if (response.ok) {
          return { ...(await readCharge(response, attempts)), attempts };
        } else {
          const message = await errorMessage(response);
          if (!isRetryable(response.status)) throw new PaymentProviderRejectedError(response.status, message, attempts);
          lastProblem = `HTTP ${response.status}: ${message}`;
        }
        if (attempts >= maxAttempts) break;
        const delay = backoffDelayMs(attempts, baseDelayMs, options.random);
        if (now() + delay + MIN_ATTEMPT_MS > deadline) break;
        log?.warn({ orderId: request.orderId, attempt: attempts, problem: lastProblem, retryInMs: delay }, 'payment provider attempt failed; retrying');
        await sleep(delay);
      }
      throw new PaymentProviderUnavailableError(attempts, lastProblem);
    },
  };
}

function isRetryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

async function readCharge(response: Response, attempts: number): Promise<Omit<ChargeResult, 'attempts'>> {
  const parsed = ChargeAnswer.safeParse(await response.json().catch(() => undefined));
  // The charge may exist, but we cannot tell: the caller's retry (same key) will find out.
  if (!parsed.success) throw new PaymentProviderUnavailableError(attempts, `unexpected answer to a charge (HTTP ${response.status})`);
  const { id, status, failureReason } = parsed.data;
  return { chargeId: id, status, ...(failureReason ? { failureReason } : {}) };
}

/** The provider's `{error: {message}}`, or a short piece of whatever it sent. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // Not JSON: fall through.
  }
  return text.slice(0, 200) || response.statusText || `HTTP ${response.status}`;
}

/** Why a request got no answer, in a few words (never the request itself, which holds the key). */
function describeNetworkError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
