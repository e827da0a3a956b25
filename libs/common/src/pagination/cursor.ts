import type * as z from 'zod';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface CursorCodec<K> {
  /** The opaque cursor a client sends back for the next page: base64url of the key's JSON. */
  encode(key: K): string;
  /**
   * The key a cursor stands for, or `undefined` when it is not one this API issued (not
   * canonical base64url, not JSON, not exactly the key's attributes). A tampered cursor must
   * never reach DynamoDB as an ExclusiveStartKey.
   */
  decode(cursor: string): K | undefined;
}

/** Pagination cursors for one index, whose LastEvaluatedKey is described by `keySchema` (use a strict object). */
export function cursorCodec<S extends z.ZodType>(keySchema: S): CursorCodec<z.output<S>> {
  return {
    encode: (key) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url'),
    decode: (cursor) => {
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
    },
  };
}
