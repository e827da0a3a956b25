import * as z from 'zod';
import { Id, IsoTimestamp } from '@shop/domain';

/**
 * Where a page of the `by-user` index stopped: DynamoDB's LastEvaluatedKey for that index,
 * which names the table key and the index key.
 */
export const ByUserKey = z.strictObject({
  orderId: Id,
  userId: z.string().min(1),
  createdAt: IsoTimestamp,
});
export type ByUserKey = z.infer<typeof ByUserKey>;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The opaque cursor a client sends back for the next page: base64url of the key's JSON. */
export function encodeCursor(key: ByUserKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * The key a cursor stands for, or `undefined` when the cursor is not one this API issued to
 * this user (not base64url, not JSON, not exactly the key's attributes, or another user's
 * page). A tampered cursor must never reach DynamoDB as an ExclusiveStartKey.
 */
export function decodeCursor(cursor: string, userId: string): ByUserKey | undefined {
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
  const key = ByUserKey.safeParse(json);
  return key.success && key.data.userId === userId ? key.data : undefined;
}
