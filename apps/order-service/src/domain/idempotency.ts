import { IdempotencyKeyReusedError } from './errors';

/** How long a key is remembered: a client retrying a checkout does so within minutes, not days. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** What an `Idempotency-Key` remembers: which request it was first used with, and the order that request makes. */
export interface IdempotencyRecord {
  /** `<userId>#<Idempotency-Key>`: keys are per user, so two users cannot collide or probe each other's. */
  key: string;
  requestHash: string;
  orderId: string;
  createdAt: string;
  /** Epoch seconds; the table's TTL deletes the item some time after. */
  expiresAt: number;
}

export function idempotencyRecordKey(userId: string, idempotencyKey: string): string {
  return `${userId}#${idempotencyKey}`;
}

export function newIdempotencyRecord(input: { userId: string; idempotencyKey: string; requestHash: string; orderId: string; now: Date }): IdempotencyRecord {
  return {
    key: idempotencyRecordKey(input.userId, input.idempotencyKey),
    requestHash: input.requestHash,
    orderId: input.orderId,
    createdAt: input.now.toISOString(),
    expiresAt: Math.floor(input.now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
  };
}

/**
 * The order a request works on, given the record that holds its key (its own, or the one an
 * earlier request wrote): the same body continues the earlier request's order; another body is
 * refused with 422.
 */
export function orderIdFor(held: IdempotencyRecord, requestHash: string): string {
  if (held.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  return held.orderId;
}

/** Where keys are remembered. */
export interface IdempotencyStore {
  /**
   * Writes the record unless a live one holds its key, and answers the record that holds the
   * key afterwards: the new one, or the earlier one.
   */
  claim(record: IdempotencyRecord, now: Date): Promise<IdempotencyRecord>;
}
