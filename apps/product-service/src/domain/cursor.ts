import { cursorCodec } from '@shop/common';
import { Id, StoredTimestamp } from '@shop/contracts';
import * as z from 'zod/mini';
import { LISTED } from './product-record';

/**
 * Where a page of the `by-listing` index stopped: DynamoDB's LastEvaluatedKey for that index,
 * which names the table key and the index key.
 */
export const ListingKey = z.strictObject({
  productId: Id,
  listing: z.literal(LISTED),
  createdAt: StoredTimestamp,
});
export type ListingKey = z.infer<typeof ListingKey>;

/** Cursors of the listed products' pages. */
export const listingCursor = cursorCodec(ListingKey);
