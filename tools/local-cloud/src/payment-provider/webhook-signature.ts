import { createHmac } from 'node:crypto';

/**
 * The provider's webhook signature, as docs/checkout-contract.md defines it:
 * `provider-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is signed with the body, so a receiver can refuse old (replayed) deliveries.
 */
export const SIGNATURE_HEADER = 'provider-signature';

export function signatureHeader(secret: string, rawBody: string, unixSeconds: number = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}
