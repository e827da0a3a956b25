import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The provider's webhook signature (docs/checkout-contract.md):
 * `provider-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is inside the HMAC, so refusing old timestamps refuses replays.
 */
export const SIGNATURE_HEADER = 'provider-signature';

/** How far a signature's time may be from ours, either way, before the delivery counts as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck =
  | { valid: true; signedAt: number }
  | { valid: false; code: 'INVALID_SIGNATURE' | 'STALE_WEBHOOK'; message: string };

interface ParsedHeader {
  /** The timestamp exactly as sent: it is what was signed. */
  t: string;
  signatures: Buffer[];
}

/**
 * Parses `t=…,v1=…`. Several `v1` values are allowed (a provider rotating its secret signs with
 * both), other schemes are ignored; a header without exactly one `t` or without a well-formed
 * `v1` is malformed.
 */
export function parseSignatureHeader(header: string | undefined): ParsedHeader | undefined {
  if (!header) return undefined;
  const ts: string[] = [];
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') ts.push(value);
    if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  const [t] = ts;
  if (ts.length !== 1 || t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0) return undefined;
  return { t, signatures };
}

/** HMAC-SHA256 over `<t>.<raw body>`, on the bytes as received. */
export function webhookSignature(secret: string, t: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
}

/**
 * Decides whether a delivery comes from the provider, and recently. The signature is checked
 * first, in constant time, so that "stale" is only ever said of a genuine (replayed) delivery.
 */
export function checkWebhookSignature(input: {
  header: string | undefined;
  rawBody: Buffer;
  secret: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  const parsed = parseSignatureHeader(input.header);
  if (!parsed) {
    return { valid: false, code: 'INVALID_SIGNATURE', message: `Missing or malformed ${SIGNATURE_HEADER} header` };
  }
  const expected = webhookSignature(input.secret, parsed.t, input.rawBody);
  if (!parsed.signatures.some((offered) => timingSafeEqual(offered, expected))) {
    return { valid: false, code: 'INVALID_SIGNATURE', message: 'The webhook signature does not match' };
  }
  const signedAt = Number(parsed.t);
  const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(input.nowSeconds - signedAt) > tolerance) {
    return { valid: false, code: 'STALE_WEBHOOK', message: `The webhook was signed more than ${tolerance} s away from now` };
  }
  return { valid: true, signedAt };
}
