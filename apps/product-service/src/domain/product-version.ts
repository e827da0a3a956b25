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
