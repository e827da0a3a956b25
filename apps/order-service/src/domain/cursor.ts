import { cursorCodec } from '@shop/common';
import { Id, IsoTimestamp } from '@shop/domain';
import * as z from 'zod';

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

const codec = cursorCodec(ByUserKey);

export const encodeCursor = codec.encode;

/** The key a cursor stands for, or `undefined` when this API did not issue it to this user. */
export function decodeCursor(cursor: string, userId: string): ByUserKey | undefined {
  const key = codec.decode(cursor);
  return key?.userId === userId ? key : undefined;
}
