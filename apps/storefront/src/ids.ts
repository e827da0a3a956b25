/** A correlation id the shop's logs, traces and events will carry: `web-<uuid>`, one per checkout. */
export function newCorrelationId(): string {
  return `web-${crypto.randomUUID()}`;
}

/** An Idempotency-Key for one action: a checkout attempt, a new product, a stock adjustment, an add to the cart (8–128 of letters, digits, `-`, `_`). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
