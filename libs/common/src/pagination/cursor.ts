import type * as z from 'zod/mini';
import { BadRequestError } from '../errors';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface CursorCodec<K> {
  /** The opaque cursor a client sends back for the next page: base64url of the key's JSON. */
  encode(key: K): string;
  /**
   * The key a cursor stands for, or `undefined` when it is not one this API issued (not
   * canonical base64url, not JSON, not exactly the key's attributes), or not one issued for
   * `scope` (a key whose attributes are not those of `scope`: another user's, another product's).
   * A tampered cursor must never reach DynamoDB as an ExclusiveStartKey.
   */
  decode(cursor: string, scope?: Partial<K>): K | undefined;
  /**
   * The key a request's `cursor` parameter asks to start after: `undefined` without one, and a
   * 400 `INVALID_CURSOR` naming the field for one that `decode` refuses.
   */
  startKey(cursor: string | undefined, scope?: Partial<K>): K | undefined;
  /** A page's `nextCursor`: the cursor of where it stopped, `null` on the last page. */
  nextCursor(lastKey: K | undefined): string | null;
}

export interface CursorCodecOptions {
  /** What the 400 for a refused cursor says about it; `not a cursor this API issued` unless given. */
  refusal?: string;
}

/** Pagination cursors for one index, whose LastEvaluatedKey is described by `keySchema` (use a strict object). */
export function cursorCodec<S extends z.ZodMiniType>(keySchema: S, options: CursorCodecOptions = {}): CursorCodec<z.output<S>> {
  const refusal = options.refusal ?? 'not a cursor this API issued';
  const encode = (key: z.output<S>) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
  const decode = (cursor: string, scope: Partial<z.output<S>> = {}) => {
    const key = decodeKey(keySchema, cursor);
    return key !== undefined && Object.entries(scope).every(([name, value]) => (key as Record<string, unknown>)[name] === value) ? key : undefined;
  };
  return {
    encode,
    decode,
    startKey(cursor, scope) {
      if (cursor === undefined) return undefined;
      const key = decode(cursor, scope);
      if (key === undefined) throw new BadRequestError(`Invalid request query: cursor: ${refusal}`, [{ field: 'cursor', message: refusal }], 'INVALID_CURSOR');
      return key;
    },
    nextCursor: (lastKey) => (lastKey === undefined ? null : encode(lastKey)),
  };
}

function decodeKey<S extends z.ZodMiniType>(keySchema: S, cursor: string): z.output<S> | undefined {
  if (!BASE64URL.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  // Node decodes leniently (it skips trailing bits); only the canonical spelling is ours.
  if (bytes.toString('base64url') !== cursor) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const key = keySchema.safeParse(json);
  return key.success ? key.data : undefined;
}
