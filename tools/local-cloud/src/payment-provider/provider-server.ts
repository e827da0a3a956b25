import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FaultInjector } from '../faults';
import { listen, readBody } from '../http-server';
import { type ChargeRequest, fingerprint, parseChargeRequest } from './charge-request';
import { parseRefundRequest, refundFingerprint } from './refund-request';
import { behaviourOf, DECLINE_REASON, REFUND_FAILURE_REASON } from './test-payment-methods';
import { type ProviderEvent, type WebhookDelivery, WebhookSender } from './webhook-sender';

/**
 * A payment provider on localhost, close enough to a real one (Stripe-like) for checkout to be
 * tested end to end: bearer-key auth, idempotency keys, test payment methods that decide the
 * outcome, refunds (never more than was charged), and HMAC-signed webhooks that are retried until
 * the shop answers 2xx. The API is the one docs/checkout-contract.md describes.
 */

export interface PaymentProviderOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The key clients send as `authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Signs webhooks; the shop verifies with the same secret. */
  webhookSecret: string;
  /** Where webhooks go: the shop's `POST /payment/webhook`. */
  webhookUrl: string;
  /** Time between a charge and its webhook. Default 300 ms. */
  webhookDelayMs?: number;
  /** One line per charge and per webhook delivery; never the key or the secret. */
  log?: (line: string) => void;
  /** Faults to inject: `provider-5xx`, `provider-key-in-use`, `provider-timeout`, `webhook-duplicate`, `webhook-late`, `webhook-reorder`. */
  faults?: FaultInjector;
}

export type ChargeStatus = 'pending' | 'succeeded' | 'declined';

/** A charge as the provider keeps it. */
export interface Charge {
  id: string;
  idempotencyKey: string;
  orderId: string;
  /** As the merchant gave it; every webhook event of the charge carries it back. */
  metadata: Record<string, string>;
  amount: number;
  currency: string;
  paymentMethod: string;
  status: ChargeStatus;
  failureReason?: string;
  /** ISO 8601. */
  createdAt: string;
  /** Refunds asked for this charge, oldest first. */
  refunds: Refund[];
  /** Webhook events sent (or being sent) for this charge and its refunds, oldest first. */
  webhooks: WebhookDelivery[];
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/** A refund of (part of) a succeeded charge. A failed refund gives nothing back; another may be asked. */
export interface Refund {
  id: string;
  chargeId: string;
  idempotencyKey: string;
  amount: number;
  currency: string;
  reason?: string;
  metadata: Record<string, string>;
  status: RefundStatus;
  failureReason?: string;
  /** Made in the dashboard by an operator (`refundByHand`), not through the API: it succeeds. */
  byHand?: boolean;
  createdAt: string;
}

/** The money the provider moved, by currency: what the soak's money conservation reads. */
export interface Ledger {
  /** Succeeded charges. */
  charged: Record<string, number>;
  /** Succeeded refunds. */
  refunded: Record<string, number>;
  /** Refunds asked for and not decided yet. */
  refundsPending: number;
}

export interface PaymentProvider {
  /** Base URL, without a trailing slash. */
  url: string;
  port: number;
  /** Cancels pending webhooks and closes the server. Safe to call twice. */
  stop(): Promise<void>;
  /** A snapshot of every charge (with its refunds), oldest first. */
  charges(): readonly Charge[];
  /** What was charged and refunded, by currency. */
  ledger(): Ledger;
  /**
   * Decides a charge that is still pending now (a `pm_card_no_answer` charge, or one whose webhook
   * is not due yet) and sends its webhook: a late confirmation, on demand. `false` for an unknown
   * or already decided charge.
   */
  settle(chargeId: string): boolean;
  /** Sends a webhook event again, signed afresh: a duplicate delivery, or an old event out of order. `false` for an unknown event. */
  redeliver(eventId: string): boolean;
  /**
   * A refund an operator makes in the provider's dashboard, of `amount` or of all that is left,
   * once what made the shop's refunds fail is dealt with (a card replaced, the balance topped up):
   * it succeeds whatever the charge's test payment method, and its webhook goes to the shop as any
   * other. The provider's answer, as `POST /v1/refunds` gives it.
   */
  refundByHand(chargeId: string, amount?: number): { status: number; body: unknown };
  /**
   * A refund that succeeded fails after all (Stripe moves a refund from succeeded to failed when the
   * card's account turns out closed): the money is the merchant's again, and `refund.failed` goes to
   * the shop. `false` for an unknown refund, or one that has not succeeded.
   */
  failRefund(refundId: string, reason?: string): boolean;
}

const DEFAULT_WEBHOOK_DELAY_MS = 300;
const WEBHOOK_RETRIES = 3;
const WEBHOOK_RETRY_DELAY_MS = 1000;
const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 64 * 1024;

/** What a key has seen: the request it was first used with and, once a charge exists, the answer to replay. */
interface KeyRecord {
  fingerprint: string;
  answer?: Answer;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function startPaymentProvider(options: PaymentProviderOptions): Promise<PaymentProvider> {
  const log = options.log ?? (() => undefined);
  const webhookDelayMs = options.webhookDelayMs ?? DEFAULT_WEBHOOK_DELAY_MS;
  const sender = new WebhookSender({
    url: options.webhookUrl,
    secret: options.webhookSecret,
    retries: WEBHOOK_RETRIES,
    retryDelayMs: WEBHOOK_RETRY_DELAY_MS,
    requestTimeoutMs: WEBHOOK_TIMEOUT_MS,
    log,
  });
  const charges = new Map<string, Charge>();
  const keys = new Map<string, KeyRecord>();
  const refunds = new Map<string, { refund: Refund; charge: Charge }>();
  /** Refund idempotency keys, apart from charge keys: Stripe scopes a key to the request it was first used with. */
  const refundKeys = new Map<string, KeyRecord>();
  const expectedAuthorization = Buffer.from(`Bearer ${options.apiKey}`);

  function authorized(request: IncomingMessage): boolean {
    const offered = Buffer.from(request.headers.authorization ?? '');
    return offered.length === expectedAuthorization.length && timingSafeEqual(offered, expectedAuthorization);
  }

  async function createCharge(request: IncomingMessage): Promise<Answer> {
    const read = await readBody(request, MAX_BODY_BYTES);
    if (read.tooLarge) return error(413, 'body_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return error(400, 'idempotency_key_required', 'the idempotency-key header is required');
    let json: unknown;
    try {
      json = JSON.parse(read.body.toString('utf8'));
    } catch {
      return error(400, 'invalid_json', 'the body is not valid JSON');
    }
    const parsed = parseChargeRequest(json);
    if (!parsed.ok) return error(400, 'invalid_request', parsed.message);
    const charge = parsed.request;
    const behaviour = behaviourOf(charge.paymentMethod);
    if (!behaviour) return error(400, 'unknown_payment_method', `unknown payment method ${charge.paymentMethod}`);

    const seen = keys.get(key);
    if (seen && seen.fingerprint !== fingerprint(charge)) {
      return error(409, 'idempotency_key_reused', `idempotency key ${key} was used with another request`);
    }
    if (seen?.answer) return { ...seen.answer, headers: { 'idempotent-replayed': 'true' } };
    if (behaviour === 'errorThenApprove' && !seen) {
      keys.set(key, { fingerprint: fingerprint(charge) });
      log(`charge for order ${charge.metadata.orderId} (${charge.paymentMethod}) → 503, as this test method does once`);
      return error(503, 'temporarily_unavailable', 'the provider is temporarily unavailable; retry with the same idempotency key');
    }

    const created = newCharge(key, charge, behaviour === 'decline' ? 'declined' : 'pending');
    charges.set(created.id, created);
    const answer: Answer = {
      status: 200,
      body: { id: created.id, status: created.status, ...(created.failureReason ? { failureReason: created.failureReason } : {}) },
    };
    keys.set(key, { fingerprint: fingerprint(charge), answer });
    log(`charge ${created.id} for order ${created.orderId}: ${created.amount} ${created.currency} ${created.paymentMethod} → ${created.status}`);
    if (behaviour !== 'noAnswer') sender.later(webhookDelayMs, () => confirm(created));
    return answer;
  }

  /** The charge's outcome is known: record it and tell the shop. */
  function confirm(charge: Charge): void {
    if (charge.status === 'pending') charge.status = 'succeeded';
    notify(charge, {
      id: eventId(),
      type: charge.status === 'succeeded' ? 'charge.succeeded' : 'charge.failed',
      created: Math.floor(Date.now() / 1000),
      data: {
        chargeId: charge.id,
        orderId: charge.orderId,
        amount: charge.amount,
        currency: charge.currency,
        ...(charge.failureReason ? { failureReason: charge.failureReason } : {}),
        metadata: charge.metadata,
      },
    });
  }

  function notify(charge: Charge, event: ProviderEvent): void {
    const delivery: WebhookDelivery = { event, state: 'delivering', attempts: 0 };
    charge.webhooks.push(delivery);
    const faults = options.faults;
    const late = faults?.take('webhook-late');
    const reorder = late ? undefined : faults?.take('webhook-reorder');
    const delayMs = late ? (late.delayMs ?? 0) : reorder ? Math.floor(Math.random() * (reorder.delayMs ?? 0)) : 0;
    if (delayMs > 0) {
      log(`webhook ${event.id} ${event.type} held back ${delayMs} ms (fault injected)`);
      sender.later(delayMs, () => sender.deliver(delivery));
    } else sender.deliver(delivery);
    if (faults?.take('webhook-duplicate')) {
      log(`webhook ${event.id} ${event.type} sent twice (fault injected)`);
      const twice: WebhookDelivery = { event: structuredClone(event), state: 'delivering', attempts: 0 };
      charge.webhooks.push(twice);
      sender.later(delayMs + 50, () => sender.deliver(twice));
    }
  }

  /**
   * `POST /v1/refunds {charge, amount?, reason?, metadata?}` with an idempotency key, as Stripe has
   * it: only a succeeded charge can be refunded, never for more than is left of it (counting
   * refunds still pending), and the answer is `pending` until the refund's webhook decides it.
   */
  async function createRefund(request: IncomingMessage): Promise<Answer> {
    const read = await readBody(request, MAX_BODY_BYTES);
    if (read.tooLarge) return error(413, 'body_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return error(400, 'idempotency_key_required', 'the idempotency-key header is required');
    let json: unknown;
    try {
      json = JSON.parse(read.body.toString('utf8'));
    } catch {
      return error(400, 'invalid_json', 'the body is not valid JSON');
    }
    const parsed = parseRefundRequest(json);
    if (!parsed.ok) return error(400, 'invalid_request', parsed.message);
    const asked = parsed.request;
    const seen = refundKeys.get(key);
    if (seen && seen.fingerprint !== refundFingerprint(asked)) {
      return error(409, 'idempotency_key_reused', `idempotency key ${key} was used with another request`);
    }
    if (seen?.answer) return { ...seen.answer, headers: { 'idempotent-replayed': 'true' } };

    const answer = refundCharge(asked.charge, { key, ...(asked.amount !== undefined && { amount: asked.amount }), ...(asked.reason && { reason: asked.reason }), metadata: asked.metadata });
    if (answer.status === 200) refundKeys.set(key, { fingerprint: refundFingerprint(asked), answer });
    return answer;
  }

  /**
   * A refund of a succeeded charge, never for more than is left of it (refunds still pending
   * count), `pending` until its webhook decides it.
   */
  function refundCharge(chargeId: string, asked: { key: string; amount?: number; reason?: string; metadata: Record<string, string>; byHand?: boolean }): Answer {
    const charge = charges.get(chargeId);
    if (!charge) return error(404, 'resource_missing', `no charge ${chargeId}`);
    if (charge.status !== 'succeeded') return error(400, 'charge_not_refundable', `charge ${charge.id} is ${charge.status}; only a succeeded charge can be refunded`);
    const held = charge.refunds.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);
    const left = charge.amount - held;
    const amount = asked.amount ?? left;
    if (left <= 0) return error(400, 'charge_already_refunded', `charge ${charge.id} has already been refunded`);
    if (amount > left) return error(400, 'amount_too_large', `refund of ${amount} is more than the ${left} left to refund on charge ${charge.id}`);

    const refund: Refund = {
      id: `re_${randomBytes(12).toString('hex')}`,
      chargeId: charge.id,
      idempotencyKey: asked.key,
      amount,
      currency: charge.currency,
      ...(asked.reason ? { reason: asked.reason } : {}),
      metadata: { ...charge.metadata, ...asked.metadata },
      status: 'pending',
      ...(asked.byHand && { byHand: true }),
      createdAt: new Date().toISOString(),
    };
    charge.refunds.push(refund);
    refunds.set(refund.id, { refund, charge });
    log(`refund ${refund.id} of charge ${charge.id} (order ${charge.orderId})${asked.byHand ? ' by hand' : ''}: ${amount} ${charge.currency} → pending`);
    sender.later(webhookDelayMs, () => decideRefund(refund, charge));
    return { status: 200, body: refundBody(refund, charge) };
  }

  function refundByHand(chargeId: string, amount?: number): Answer {
    return refundCharge(chargeId, { key: `dashboard-${randomUUID()}`, ...(amount !== undefined && { amount }), reason: 'refunded by an operator', metadata: {}, byHand: true });
  }

  /**
   * A refund's outcome: the first refund of a `refundFailsOnce` charge fails, every refund of a
   * `refundFails` one, but never one made by hand; every other succeeds.
   */
  function decideRefund(refund: Refund, charge: Charge): void {
    const behaviour = behaviourOf(charge.paymentMethod);
    const fails = !refund.byHand && (behaviour === 'refundFails' || (behaviour === 'refundFailsOnce' && charge.refunds[0] === refund));
    refund.status = fails ? 'failed' : 'succeeded';
    if (fails) refund.failureReason = REFUND_FAILURE_REASON;
    log(`refund ${refund.id} of charge ${charge.id} → ${refund.status}`);
    notifyRefund(refund, charge);
  }

  function failRefund(refundId: string, reason = 'account_closed'): boolean {
    const found = refunds.get(refundId);
    if (!found || found.refund.status !== 'succeeded') return false;
    found.refund.status = 'failed';
    found.refund.failureReason = reason;
    log(`refund ${refundId} of charge ${found.charge.id} → failed after it had succeeded (${reason})`);
    notifyRefund(found.refund, found.charge);
    return true;
  }

  /** The refund's outcome as its webhook tells it. */
  function notifyRefund(refund: Refund, charge: Charge): void {
    notify(charge, {
      id: eventId(),
      type: refund.status === 'succeeded' ? 'refund.succeeded' : 'refund.failed',
      created: Math.floor(Date.now() / 1000),
      data: {
        refundId: refund.id,
        chargeId: charge.id,
        orderId: charge.orderId,
        amount: refund.amount,
        currency: refund.currency,
        ...(refund.failureReason ? { failureReason: refund.failureReason } : {}),
        metadata: refund.metadata,
      },
    });
  }

  function getCharge(id: string): Answer {
    const charge = charges.get(id);
    if (!charge) return error(404, 'resource_missing', `no charge ${id}`);
    // As Stripe's `amount_refunded`: what succeeded refunds gave back.
    const amountRefunded = charge.refunds.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0);
    return { status: 200, body: { ...structuredClone(charge), amountRefunded } };
  }

  function getRefund(id: string): Answer {
    const found = refunds.get(id);
    return found ? { status: 200, body: refundBody(found.refund, found.charge) } : error(404, 'resource_missing', `no refund ${id}`);
  }

  async function route(request: IncomingMessage): Promise<Answer> {
    const path = new URL(request.url ?? '/', 'http://provider').pathname;
    const one = /^\/v1\/(charges|refunds)\/([^/]+)$/.exec(path);
    const collection = /^\/v1\/(charges|refunds)$/.exec(path);
    if (!one && !collection) return error(404, 'not_found', `no route ${path}`);
    const allowed = one ? 'GET' : 'POST';
    if (request.method !== allowed) return { ...error(405, 'method_not_allowed', `use ${allowed} on ${path}`), headers: { allow: allowed } };
    if (!authorized(request)) return error(401, 'unauthorized', 'missing or invalid API key');
    if (one) {
      const id = decodeURIComponent(one[2] ?? '');
      return one[1] === 'charges' ? getCharge(id) : getRefund(id);
    }
    return collection?.[1] === 'charges' ? createCharge(request) : createRefund(request);
  }

  function settle(chargeId: string): boolean {
    const charge = charges.get(chargeId);
    if (!charge || charge.status !== 'pending') return false;
    log(`charge ${charge.id} (order ${charge.orderId}) settled on demand`);
    confirm(charge);
    return true;
  }

  function redeliver(eventId: string): boolean {
    for (const charge of charges.values()) {
      const earlier = charge.webhooks.find((w) => w.event.id === eventId);
      if (earlier) {
        log(`webhook ${eventId} ${earlier.event.type} (order ${charge.orderId}) delivered again on demand`);
        notify(charge, structuredClone(earlier.event));
        return true;
      }
    }
    return false;
  }

  function ledger(): Ledger {
    const totals: Ledger = { charged: {}, refunded: {}, refundsPending: 0 };
    for (const charge of charges.values()) {
      if (charge.status !== 'succeeded') continue;
      totals.charged[charge.currency] = (totals.charged[charge.currency] ?? 0) + charge.amount;
      for (const refund of charge.refunds) {
        if (refund.status === 'succeeded') totals.refunded[refund.currency] = (totals.refunded[refund.currency] ?? 0) + refund.amount;
        if (refund.status === 'pending') totals.refundsPending += 1;
      }
    }
    return totals;
  }

  const server = createServer((request, response) => {
    const creates = request.method === 'POST';
    if (creates && options.faults?.take('provider-5xx')) {
      log(`${request.method} ${request.url} → 503 (fault injected)`);
      request.resume();
      return send(response, error(503, 'temporarily_unavailable', 'the provider is temporarily unavailable (fault injected)'));
    }
    if (creates && options.faults?.take('provider-key-in-use')) {
      log(`${request.method} ${request.url} → 409 idempotency_key_in_use (fault injected)`);
      request.resume();
      return send(
        response,
        error(409, 'idempotency_key_in_use', 'There is currently another in-progress request using this idempotency key; retry this request later (fault injected)'),
      );
    }
    const slow = creates ? options.faults?.take('provider-timeout') : undefined;
    route(request).then(
      (answer) => {
        if (!slow) return send(response, answer);
        // Done, but answered too late: the client has given up and retries with the same key.
        log(`${request.method} ${request.url} answered ${slow.delayMs} ms late (fault injected)`);
        setTimeout(() => (response.destroyed ? undefined : send(response, answer)), slow.delayMs ?? 0).unref();
      },
      (failure: unknown) => {
        log(`payment provider: ${(failure as Error).message}`);
        send(response, error(500, 'internal', 'the simulator failed'));
      },
    );
  });
  const listening = await listen(server, { host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  log(`listening on ${listening.url}, webhooks to ${options.webhookUrl}`);

  let stopping: Promise<void> | undefined;
  return {
    url: listening.url,
    port: listening.port,
    charges: () => [...charges.values()].map((charge) => structuredClone(charge)),
    ledger,
    settle,
    redeliver,
    refundByHand,
    failRefund,
    stop: () =>
      (stopping ??= (async () => {
        await sender.stop();
        await listening.close();
      })()),
  };
}

function newCharge(idempotencyKey: string, request: ChargeRequest, status: 'pending' | 'declined'): Charge {
  return {
    id: `ch_${randomBytes(12).toString('hex')}`,
    idempotencyKey,
    orderId: request.metadata.orderId,
    metadata: { ...request.metadata },
    amount: request.amount,
    currency: request.currency,
    paymentMethod: request.paymentMethod,
    status,
    ...(status === 'declined' ? { failureReason: DECLINE_REASON } : {}),
    createdAt: new Date().toISOString(),
    refunds: [],
    webhooks: [],
  };
}

function refundBody(refund: Refund, charge: Charge) {
  return {
    id: refund.id,
    chargeId: refund.chargeId,
    orderId: charge.orderId,
    amount: refund.amount,
    currency: refund.currency,
    status: refund.status,
    ...(refund.failureReason ? { failureReason: refund.failureReason } : {}),
  };
}

function eventId(): string {
  return `evt_${randomUUID().replaceAll('-', '')}`;
}

function error(status: number, code: string, message: string): Answer {
  return { status, body: { error: { code, message } } };
}

function send(response: ServerResponse, answer: Answer): void {
  const body = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...answer.headers,
  });
  response.end(body);
}
