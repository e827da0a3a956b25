/** The body of `POST /v1/charges`, as docs/checkout-contract.md defines it. */
export interface ChargeRequest {
  amount: number;
  currency: string;
  paymentMethod: string;
  /** The merchant's own values, echoed in the charge's webhook events (`orderId` is required). */
  metadata: { orderId: string } & Record<string, string>;
}

export type ParsedChargeRequest = { ok: true; request: ChargeRequest } | { ok: false; message: string };

const FIELDS = new Set(['amount', 'currency', 'paymentMethod', 'metadata']);
/** Stripe's limits on metadata. */
const MAX_METADATA_KEYS = 50;
const MAX_METADATA_VALUE_LENGTH = 500;

/**
 * Checks a charge request the way a strict provider does: every field present and well typed,
 * no unknown fields (a typo in a client is caught here, not in production).
 */
export function parseChargeRequest(body: unknown): ParsedChargeRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((key) => !FIELDS.has(key));
  if (unknown.length) return fail(`unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  if (!Number.isSafeInteger(b['amount']) || (b['amount'] as number) < 0) return fail('amount must be a non-negative integer (minor units)');
  if (typeof b['currency'] !== 'string' || !/^[A-Z]{3}$/.test(b['currency'])) return fail('currency must be an ISO 4217 code like USD');
  if (typeof b['paymentMethod'] !== 'string' || b['paymentMethod'] === '') return fail('paymentMethod is required');
  const metadata = b['metadata'];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return fail('metadata must be an object');
  const entries = Object.entries(metadata as Record<string, unknown>);
  if (entries.length > MAX_METADATA_KEYS) return fail(`metadata holds at most ${MAX_METADATA_KEYS} keys`);
  const bad = entries.find(([, value]) => typeof value !== 'string' || value.length > MAX_METADATA_VALUE_LENGTH);
  if (bad) return fail(`metadata.${bad[0]} must be a string of at most ${MAX_METADATA_VALUE_LENGTH} characters`);
  const { orderId, ...rest } = Object.fromEntries(entries) as Record<string, string>;
  if (!orderId) return fail('metadata.orderId is required');
  return {
    ok: true,
    request: { amount: b['amount'] as number, currency: b['currency'], paymentMethod: b['paymentMethod'], metadata: { ...rest, orderId } },
  };
}

/** Two requests are "the same" for idempotency when these strings are equal. */
export function fingerprint(request: ChargeRequest): string {
  return JSON.stringify([request.amount, request.currency, request.paymentMethod, request.metadata.orderId]);
}

function fail(message: string): ParsedChargeRequest {
  return { ok: false, message };
}
