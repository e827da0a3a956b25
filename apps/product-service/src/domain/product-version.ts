import { HttpError, NotFoundError, PreconditionFailedError } from '@shop/common';

/**
 * A product item's `version`: 1 when created, one more with every change product-service makes
 * (PUT, soft delete). Stock changes (checkouts, stock adjustments) leave it alone, so a
 * reservation never makes an editor's copy stale. Items written before versions existed have
 * none, and count as version 0.
 */
export function versionOf(record: { version?: number }): number {
  return record.version ?? 0;
}

/** The `ETag` of a product at this version: a strong entity tag, `"3"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** What an `If-Match` asks for: any current product (`*`), or one of these versions. */
export type VersionPrecondition = { kind: 'any' } | { kind: 'one-of'; versions: readonly number[] };

/**
 * The precondition of an `If-Match` value that the route's schema accepted (`*` or a list of
 * quoted version numbers); none without the header.
 */
export function preconditionOf(ifMatch: string | undefined): VersionPrecondition | undefined {
  if (ifMatch === undefined) return undefined;
  if (ifMatch.trim() === '*') return { kind: 'any' };
  const versions = [...ifMatch.matchAll(/"(\d+)"/g)].map((m) => Number(m[1]));
  return { kind: 'one-of', versions: [...new Set(versions)] };
}

/**
 * Why a conditional change of a product was not made: no listed product with that id (404), one
 * at another version than `If-Match` named (412, naming its ETag so that the editor sees it moved
 * on), or one that checkouts' stock transactions kept busy (503, retry in a second).
 */
export function refusedChange(outcome: { kind: 'not-found' } | { kind: 'version-mismatch'; version: number } | { kind: 'busy' }, ifMatch: string | undefined): Error {
  switch (outcome.kind) {
    case 'not-found':
      return new NotFoundError('Product not found');
    case 'version-mismatch':
      return new PreconditionFailedError(`The product changed since you read it: it is at ETag ${etagOf(outcome.version)}, not ${ifMatch}. Read it again, then retry.`);
    case 'busy':
      return new ProductBusyError();
  }
}

/** Checkouts were reserving the product's stock through every attempt of the change: nothing changed, and a retry in a moment goes through. */
export class ProductBusyError extends HttpError {
  constructor() {
    super(503, 'PRODUCT_BUSY', 'Checkouts are taking this product’s stock right now; nothing changed, retry in a moment', undefined, { 'retry-after': '1' });
  }
}
