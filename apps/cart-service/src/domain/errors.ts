import { BadRequestError, ConflictError, HttpError, NotFoundError, UnauthorizedError, UnprocessableError } from '@shop/common';
import { CART_LINE_MAX_QUANTITY, CART_MAX_LINES } from '@shop/contracts';

export class ProductNotFoundError extends NotFoundError {
  constructor(productId: string) {
    super(`Product ${productId} is not in the catalogue`, 'PRODUCT_NOT_FOUND');
  }
}

export class CartItemNotFoundError extends NotFoundError {
  constructor(productId: string) {
    super(`Product ${productId} is not in your cart`, 'CART_ITEM_NOT_FOUND');
  }
}

/** A line would hold more than 99. Names `quantity`, the field the caller can change. */
export class QuantityLimitError extends BadRequestError {
  constructor(inCart: number, adding: number) {
    const room = CART_LINE_MAX_QUANTITY - inCart;
    super(
      `A cart line holds at most ${CART_LINE_MAX_QUANTITY}: the cart has ${inCart}, so ${adding} more would make ${inCart + adding}`,
      [{ field: 'quantity', message: room > 0 ? `at most ${room} more can be added` : `the line already holds ${CART_LINE_MAX_QUANTITY}` }],
      'QUANTITY_LIMIT',
    );
  }
}

export class CartFullError extends ConflictError {
  constructor() {
    super(`A cart holds at most ${CART_MAX_LINES} different products; remove one first`, 'CART_FULL');
  }
}

/** A cart has one currency, so that it has one total. */
export class CurrencyMismatchError extends ConflictError {
  constructor(cartCurrency: string, productCurrency: string) {
    super(`Your cart is priced in ${cartCurrency}; this product is priced in ${productCurrency}`, 'CURRENCY_MISMATCH');
  }
}

/** An add's Idempotency-Key sent again with another product or quantity. */
export class IdempotencyKeyReusedError extends UnprocessableError {
  constructor() {
    super('This Idempotency-Key was already used to add another product or quantity; use a new key for a new add', 'IDEMPOTENCY_KEY_REUSED');
  }
}

/** Other requests kept changing the cart between our read and our write. */
export class CartBusyError extends ConflictError {
  constructor() {
    super('Your cart was changed by another request at the same time; try again', 'CART_BUSY');
  }
}

/** product-service/get-products could not be asked or failed. The cause says why; the caller only learns to retry. */
export class CatalogUnavailableError extends HttpError {
  constructor(detail: string, cause?: unknown) {
    super(503, 'CATALOG_UNAVAILABLE', 'The catalogue cannot be reached right now; try again', undefined, { 'retry-after': '1' });
    this.cause = cause === undefined ? new Error(detail) : new Error(detail, { cause });
  }
}

/**
 * The customer deleted their account (user-service's `DELETE /users/me`), and with it their cart.
 * An access token issued before that still passes the API's authorizer until it expires: it names
 * an account that is gone, so it is answered 401 (a client signs out), and no cart is made again.
 */
export class CustomerForgottenError extends UnauthorizedError {
  constructor() {
    super('This account was deleted', 'ACCOUNT_DELETED');
  }
}
