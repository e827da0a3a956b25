import * as z from 'zod/mini';
import { Id, IsoTimestamp } from './ids';

/**
 * Payloads of inventory-service's functions, called by invoke (RequestResponse) and by the
 * checkout state machine. Errors a caller branches on are thrown with these names, which
 * Lambda reports as `errorType` and Step Functions matches in `Catch`.
 */
export const CHECKOUT_ERRORS = {
  outOfStock: 'OutOfStock',
  /** commit-stock found the reservation released (the order was cancelled or its payment window passed). */
  reservationReleased: 'ReservationReleased',
  orderNotPayable: 'OrderNotPayable',
  paymentDeclined: 'PaymentDeclined',
  orderCancelled: 'OrderCancelled',
  /** What Step Functions reports when a state's TimeoutSeconds passes: the payment window expired. */
  timeout: 'States.Timeout',
} as const;

export const StockLine = z.strictObject({ productId: Id, quantity: z.int().check(z.minimum(1)) });
export type StockLine = z.infer<typeof StockLine>;

export const CheckAvailabilityRequest = z.strictObject({ lines: z.array(StockLine).check(z.minLength(1), z.maxLength(50)) });
export type CheckAvailabilityRequest = z.infer<typeof CheckAvailabilityRequest>;

export const CheckAvailabilityResponse = z.object({
  available: z.boolean(),
  lines: z.array(z.object({ productId: Id, requested: z.int(), inStock: z.int(), listed: z.boolean() })),
});
export type CheckAvailabilityResponse = z.infer<typeof CheckAvailabilityResponse>;

export const ReserveStockRequest = z.strictObject({ orderId: Id, lines: z.array(StockLine).check(z.minLength(1), z.maxLength(50)) });
export type ReserveStockRequest = z.infer<typeof ReserveStockRequest>;

export const ReservationStatus = z.enum(['RESERVED', 'COMMITTED', 'RELEASED']);
export type ReservationStatus = z.infer<typeof ReservationStatus>;

export const ReservationResponse = z.object({ orderId: Id, status: ReservationStatus });
export type ReservationResponse = z.infer<typeof ReservationResponse>;

/** commit and release take only the order: the reservation remembers its lines. */
export const ReservationRequest = z.strictObject({ orderId: Id });
export type ReservationRequest = z.infer<typeof ReservationRequest>;

/** A stock adjustment changes stock by at most this much either way. */
export const STOCK_ADJUSTMENT_DELTA_MAX = 1_000_000;
export const STOCK_ADJUSTMENT_REASON_MAX = 200;

/** Body of POST /products/{id}/stock-adjustments: a signed change of a product's stock, and why. */
export const StockAdjustmentRequest = z.strictObject({
  delta: z.int().check(
    z.minimum(-STOCK_ADJUSTMENT_DELTA_MAX),
    z.maximum(STOCK_ADJUSTMENT_DELTA_MAX),
    z.refine((delta) => delta !== 0, 'must not be 0'),
    z.meta({
      description: 'How much to add to stock (goods received, found in a count) or, negative, to take away (damaged, lost, miscounted); never 0.',
      not: { const: 0 },
    }),
  ),
  reason: z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(STOCK_ADJUSTMENT_REASON_MAX),
      z.describe('Why, for the audit trail: "delivery 4711", "2 broken in the count".'),
    ),
});
export type StockAdjustmentRequest = z.infer<typeof StockAdjustmentRequest>;

/** One entry of a product's stock audit trail: who changed its stock, by how much, when and why. */
export const StockAdjustment = z.object({
  adjustmentId: Id,
  productId: Id,
  delta: z.int(),
  reason: z.string(),
  /** The user id (Cognito `sub`) of the ADMIN or MANAGER who made it. */
  by: z.string().check(z.describe('The user id of the ADMIN or MANAGER who made the adjustment.')),
  at: IsoTimestamp.check(z.describe('When the adjustment was applied.')),
});
export type StockAdjustment = z.infer<typeof StockAdjustment>;

/** What POST /products/{id}/stock-adjustments answers: the adjustment, and the stock it left. */
export const StockAdjustmentResult = z.extend(StockAdjustment, {
  stockAfter: z.int().check(
    z.describe(
      "The product's available stock read right after the adjustment was applied (strongly consistent). It includes this " +
        'adjustment, and any reservation or adjustment that landed between the two; a repeated request (same Idempotency-Key) ' +
        'answers the stock at the time of the repeat.',
    ),
  ),
});
export type StockAdjustmentResult = z.infer<typeof StockAdjustmentResult>;

/** A page of a product's stock audit trail, newest first. */
export const StockAdjustmentPage = z.object({
  items: z.array(StockAdjustment),
  nextCursor: z.nullable(z.string()),
});
export type StockAdjustmentPage = z.infer<typeof StockAdjustmentPage>;
