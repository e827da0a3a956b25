import type {
  CatalogProduct,
  CheckoutStarted,
  CheckAvailabilityResponse,
  ClearCartRequest,
  ClearCartResponse,
  ReadCartResponse,
  ReservationResponse,
  StockLine,
} from '@shop/contracts';

/**
 * The functions of other services that order-service calls (docs/checkout-contract.md). Each
 * call carries the correlation id so that the order can be followed through their logs.
 */
export interface PeerServices {
  /** The user's cart, or `cartId: null` when they have none. Always the caller's own: the user id decides. */
  readCart(userId: string, correlationId: string): Promise<ReadCartResponse>;
  /** Takes a placed order's lines out of the cart it was placed from; idempotent by order id. */
  clearCart(order: ClearCartRequest, correlationId: string): Promise<ClearCartResponse>;
  /** The catalogue's view of the products; unknown ids are left out. */
  getProducts(productIds: readonly string[], correlationId: string): Promise<CatalogProduct[]>;
  checkAvailability(lines: readonly StockLine[], correlationId: string): Promise<CheckAvailabilityResponse>;
  /** Gives an order's reserved stock back; idempotent, and fine when nothing was reserved. */
  releaseStock(orderId: string, correlationId: string): Promise<ReservationResponse>;
  /** Tells analytics that a checkout started, without waiting for it (an asynchronous invoke). */
  checkoutStarted(notice: CheckoutStarted, correlationId: string): Promise<void>;
}
