import { cursorCodec } from '@shop/common';
import { Id } from '@shop/contracts';
import * as z from 'zod/mini';

/** Where a page of a product's audit trail stopped: DynamoDB's LastEvaluatedKey of the stock-adjustments table. */
export const TrailKey = z.strictObject({
  productId: Id,
  adjustmentKey: z.string().check(z.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#[0-9a-f-]{36}$/)),
});
export type TrailKey = z.infer<typeof TrailKey>;

/** Cursors of a product's trail, read with that product as their scope: another product's cursor is refused. */
export const trailCursor = cursorCodec(TrailKey, { refusal: 'not a cursor this API issued for this product' });
