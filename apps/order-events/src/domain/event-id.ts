import { createHash } from 'node:crypto';

/**
 * The id of the event that a change of one order makes, the same every time it is derived: a
 * stream record delivered twice, or published again after a partial failure, yields the same
 * event id, and consumers, idempotent by id, act on it once. A UUID (version 8, RFC 9562) from
 * the SHA-256 of the parts.
 */
export function deterministicEventId(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
