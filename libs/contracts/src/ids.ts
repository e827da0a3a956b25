import * as z from 'zod/mini';

/**
 * An id the shop made (`crypto.randomUUID()`, lower case), or a Cognito sub. A UUID's letters may
 * come back in upper case (Swift's `UUID.uuidString` writes them so): it is the same id, and is
 * read in lower case, or every lookup of a key the shop stored would miss it and answer 404.
 */
export const Id = z.uuid().check(z.toLowerCase());
export type Id = z.infer<typeof Id>;

export const IsoTimestamp = z.iso.datetime({ offset: false });

/**
 * A timestamp exactly as the shop writes it (`Date.toISOString()`: milliseconds, UTC). What a
 * cursor may carry back as a key: DynamoDB refuses a key over 1,024 bytes, and a timestamp with a
 * thousand digits of seconds would otherwise reach it as a 500.
 */
export const StoredTimestamp = z.iso.datetime({ offset: false, precision: 3 });

/** `Idempotency-Key` header: a client-chosen token, the same for every retry of one request (a checkout, a new product, a stock adjustment). */
export const IdempotencyKey = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be 8–128 letters, digits, - or _'));

