import { ConflictError, HttpError, NamedError, UnprocessableError } from '@shop/common';
import { CHECKOUT_ERRORS } from '@shop/contracts';
import { describeShortages, type Shortage } from './reservation';

/** Some line could not be reserved; nothing was. The state machine catches it by name and cancels the order. */
export class OutOfStockError extends NamedError {
  readonly productIds: readonly string[];

  constructor(shortages: readonly Shortage[]) {
    super(CHECKOUT_ERRORS.outOfStock, describeShortages(shortages));
    this.productIds = shortages.map((s) => s.productId);
  }
}

/** Commit came after the reservation was released: the stock is no longer held for the order. */
export class ReservationReleasedError extends NamedError {
  constructor(orderId: string) {
    super(CHECKOUT_ERRORS.reservationReleased, `The reservation of order ${orderId} was released; its stock is no longer held`);
  }
}

/** Commit for an order that never reserved stock: a fault in the caller's sequence. */
export class ReservationNotFoundError extends NamedError {
  constructor(orderId: string) {
    super('ReservationNotFound', `Order ${orderId} has no reservation`);
  }
}

/** A negative adjustment larger than the stock there is: stock never goes below 0. */
export class InsufficientStockError extends ConflictError {
  constructor(delta: number, inStock: number) {
    super(`Not enough stock: ${inStock} available, so a delta of ${delta} would take it below 0`, 'INSUFFICIENT_STOCK');
  }
}

export class IdempotencyKeyReusedError extends UnprocessableError {
  constructor() {
    super('This Idempotency-Key was already used with another request; use a new key for a new adjustment', 'IDEMPOTENCY_KEY_REUSED');
  }
}

/**
 * The product's item kept being changed by other transactions (checkouts, other adjustments) while
 * this one tried, and nothing was applied. Retrying with the same Idempotency-Key is safe.
 */
export class StockBusyError extends HttpError {
  constructor() {
    super(503, 'STOCK_BUSY', "The product's stock is changing too fast to adjust right now; retry with the same Idempotency-Key", undefined, {
      'retry-after': '1',
    });
  }
}
