import { cursorCodec } from '@shop/common';
import { Id, StoredTimestamp } from '@shop/contracts';
import * as z from 'zod/mini';

/**
 * Where a page of the `by-user` index stopped: DynamoDB's LastEvaluatedKey for that index,
 * which names the table key and the index key.
 */
export const ByUserKey = z.strictObject({
  orderId: Id,
  userId: z.string().check(z.minLength(1)),
  createdAt: StoredTimestamp,
});
export type ByUserKey = z.infer<typeof ByUserKey>;

/** Cursors of a user's orders, read with that user as their scope: a cursor issued to one user is refused to another. */
export const ordersCursor = cursorCodec(ByUserKey);
