import { NamedError } from '@shop/common';
import { CHECKOUT_ERRORS } from '@shop/domain';
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
