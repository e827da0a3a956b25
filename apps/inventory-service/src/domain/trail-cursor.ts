import { cursorCodec } from '@shop/common';
import { Id } from '@shop/domain';
import * as z from 'zod';

/** Where a page of a product's audit trail stopped: DynamoDB's LastEvaluatedKey of the stock-adjustments table. */
export const TrailKey = z.strictObject({
  productId: Id,
  adjustmentKey: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#[0-9a-f-]{36}$/),
});
export type TrailKey = z.infer<typeof TrailKey>;

const codec = cursorCodec(TrailKey);

export const encodeTrailCursor = codec.encode;

/** The key a cursor stands for, or `undefined` when this API did not issue it for this product's trail. */
export function decodeTrailCursor(cursor: string, productId: string): TrailKey | undefined {
  const key = codec.decode(cursor);
  return key?.productId === productId ? key : undefined;
}
