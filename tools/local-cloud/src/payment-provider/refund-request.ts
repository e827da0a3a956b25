/** The body of `POST /v1/refunds`: which charge, and optionally how much (the rest of it by default). */
export interface RefundRequest {
  charge: string;
  amount?: number;
  reason?: string;
  metadata: Record<string, string>;
}

export type ParsedRefundRequest = { ok: true; request: RefundRequest } | { ok: false; message: string };

const FIELDS = new Set(['charge', 'amount', 'reason', 'metadata']);

/** Checks a refund request strictly, as parseChargeRequest checks a charge: no unknown fields, every field well typed. */
export function parseRefundRequest(body: unknown): ParsedRefundRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((key) => !FIELDS.has(key));
  if (unknown.length) return fail(`unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  if (typeof b['charge'] !== 'string' || b['charge'] === '') return fail('charge is required: the id of the charge to refund');
  if (b['amount'] !== undefined && (!Number.isSafeInteger(b['amount']) || (b['amount'] as number) <= 0)) {
    return fail('amount must be a positive integer (minor units)');
  }
  if (b['reason'] !== undefined && (typeof b['reason'] !== 'string' || b['reason'].length > 500)) return fail('reason must be a string of at most 500 characters');
  const metadata = b['metadata'] ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return fail('metadata must be an object');
  const entries = Object.entries(metadata as Record<string, unknown>);
  if (entries.some(([, value]) => typeof value !== 'string')) return fail('metadata values must be strings');
  return {
    ok: true,
    request: {
      charge: b['charge'],
      ...(b['amount'] !== undefined && { amount: b['amount'] as number }),
      ...(b['reason'] !== undefined && { reason: b['reason'] as string }),
      metadata: Object.fromEntries(entries) as Record<string, string>,
    },
  };
}

/** Two refund requests are "the same" for idempotency when these strings are equal. */
export function refundFingerprint(request: RefundRequest): string {
  return JSON.stringify([request.charge, request.amount ?? null]);
}

function fail(message: string): ParsedRefundRequest {
  return { ok: false, message };
}
