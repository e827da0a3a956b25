import { BadRequestError, ConflictError, HttpError, NamedError, NotFoundError, UnprocessableError } from '@shop/common';
import { CHECKOUT_ERRORS } from '@shop/contracts';

/*
 * Errors of the state machine's tasks. Lambda reports an error's `name` as its `errorType`,
 * which Step Functions matches in a Catch, so these names are part of the checkout contract.
 */

/** Some lines cannot be had: the checkout ends CANCELLED ('out of stock'). */
export class OutOfStockError extends NamedError {
  constructor(readonly productIds: readonly string[]) {
    super(CHECKOUT_ERRORS.outOfStock, `Out of stock: ${productIds.join(', ')}`);
  }
}

/** The customer cancelled the order while the checkout ran. */
export class OrderCancelledError extends NamedError {
  constructor(orderId: string) {
    super(CHECKOUT_ERRORS.orderCancelled, `Order ${orderId} was cancelled by the customer`);
  }
}

/** A status change the transition table refuses; the order keeps its status. */
export class IllegalTransitionError extends NamedError {
  constructor(orderId: string, from: string, to: string) {
    super('IllegalTransition', `Order ${orderId} cannot move from ${from} to ${to}`);
  }
}

/** A task was handed an order id that the orders table does not hold. */
export class OrderMissingError extends NamedError {
  constructor(orderId: string) {
    super('OrderNotFound', `Order ${orderId} does not exist`);
  }
}

/* Errors of the HTTP routes: each answers with its status and code. */

export class OrderNotFoundError extends NotFoundError {
  constructor() {
    super('Order not found');
  }
}

export class CartNotFoundError extends NotFoundError {
  constructor() {
    super('Cart not found', 'CART_NOT_FOUND');
  }
}

export class CartEmptyError extends BadRequestError {
  constructor() {
    super('The cart is empty: add something before checking out', [{ field: 'cartId', message: 'the cart is empty' }], 'CART_EMPTY');
  }
}

/**
 * The cart is not what the customer reviewed: another tab changed its lines (its revision moved),
 * or the catalogue its prices (the order would cost another total). Nothing was ordered: the
 * customer looks at the cart again and places the order from what they see.
 */
export class CartChangedError extends ConflictError {
  constructor(what: string) {
    super(`Your cart changed since you reviewed it (${what}): nothing was ordered. Review your cart and place the order again`, 'CART_CHANGED');
  }
}

/**
 * The customer holds as many orders awaiting payment as one may (open-orders.ts): each holds its
 * stock for the payment window, so a new one waits until they pay for or cancel one. Nothing was
 * ordered.
 */
export class TooManyOpenOrdersError extends ConflictError {
  constructor(limit: number) {
    super(`You have ${limit} orders awaiting payment; pay for or cancel one of them before placing another`, 'TOO_MANY_OPEN_ORDERS');
  }
}

export class ProductUnavailableError extends ConflictError {
  constructor(readonly productIds: readonly string[]) {
    super(`No longer sold: ${productIds.join(', ')}; remove ${productIds.length === 1 ? 'it' : 'them'} from the cart`, 'PRODUCT_UNAVAILABLE');
  }
}

export class MixedCurrenciesError extends ConflictError {
  constructor(currencies: readonly string[]) {
    super(`The cart mixes currencies (${currencies.join(', ')}); one order is paid in one currency`, 'CART_MIXED_CURRENCIES');
  }
}

export class OrderTooLargeError extends ConflictError {
  constructor() {
    super('The order total is over the most a single order may be', 'ORDER_TOO_LARGE');
  }
}

export class IdempotencyKeyReusedError extends UnprocessableError {
  constructor() {
    super('This Idempotency-Key was already used with another request body; use a new key for a new order', 'IDEMPOTENCY_KEY_REUSED');
  }
}

export class OrderNotCancellableError extends ConflictError {
  constructor(status: string) {
    super(`The order is ${status} and can no longer be cancelled`, 'ORDER_NOT_CANCELLABLE');
  }
}

/**
 * The cart or the catalogue could not be read to price the order (the function failed, was
 * throttled or did not answer): nothing was ordered, and a retry with the same Idempotency-Key is
 * safe. As cart-service answers its own catalogue outages (503 CATALOG_UNAVAILABLE).
 */
export class CheckoutUnavailableError extends HttpError {
  constructor(detail: string, cause: unknown) {
    super(503, 'SERVICE_UNAVAILABLE', 'Your order cannot be placed right now; nothing was ordered. Try again with the same Idempotency-Key', undefined, {
      'retry-after': '1',
    });
    this.cause = new Error(detail, { cause });
  }
}

