import { createHash } from 'node:crypto';

/**
 * An event id derived from what the event is about, the same every time it is derived: an event
 * made again for the same cause (a record or a message delivered twice, a webhook handled twice
 * at once, a publish retried after a partial failure) is the same event, and consumers, idempotent
 * by event id, act on it once. The caller chooses the parts: enough to tell two different events
 * apart, and nothing that differs between two makings of the same one (no clock, no request id).
 * A UUID (version 8, RFC 9562) from the SHA-256 of the parts.
 *
 * The ids of events already published depend on this exact derivation: changing it makes every
 * event made again afterwards a new one to its consumers.
 */
export function deterministicEventId(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
