import * as z from 'zod';
import { Id } from './ids';

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

export const StockLine = z.strictObject({ productId: Id, quantity: z.int().min(1) });
export type StockLine = z.infer<typeof StockLine>;

export const CheckAvailabilityRequest = z.strictObject({ lines: z.array(StockLine).min(1).max(50) });
export type CheckAvailabilityRequest = z.infer<typeof CheckAvailabilityRequest>;

export const CheckAvailabilityResponse = z.object({
  available: z.boolean(),
  lines: z.array(z.object({ productId: Id, requested: z.int(), inStock: z.int(), listed: z.boolean() })),
});
export type CheckAvailabilityResponse = z.infer<typeof CheckAvailabilityResponse>;

export const ReserveStockRequest = z.strictObject({ orderId: Id, lines: z.array(StockLine).min(1).max(50) });
export type ReserveStockRequest = z.infer<typeof ReserveStockRequest>;

export const ReservationStatus = z.enum(['RESERVED', 'COMMITTED', 'RELEASED']);
export type ReservationStatus = z.infer<typeof ReservationStatus>;

export const ReservationResponse = z.object({ orderId: Id, status: ReservationStatus });
export type ReservationResponse = z.infer<typeof ReservationResponse>;

/** commit and release take only the order: the reservation remembers its lines. */
export const ReservationRequest = z.strictObject({ orderId: Id });
export type ReservationRequest = z.infer<typeof ReservationRequest>;
