import { CheckAvailabilityResponse, ClearCartResponse, GetProductsResponse, ReadCartResponse, ReservationResponse } from '@shop/domain';
import type { PeerServices } from '../domain/peer-services';
import { type FunctionInvoker, lambdaFunctionInvoker } from '@shop/aws';

/* The manifest's `invokes` name the same functions: that is what the IAM policy allows. */
export const READ_CART = 'cart-service/read-cart';
export const CLEAR_CART = 'cart-service/clear-cart';
export const GET_PRODUCTS = 'product-service/get-products';
export const CHECK_AVAILABILITY = 'inventory-service/check-availability';
export const RELEASE_STOCK = 'inventory-service/release-stock';
export const CHECKOUT_STARTED = 'analytics-service/stream-processor';

/** Other services' functions, called with RequestResponse invokes and their answers checked against the contract's schemas. */
export function lambdaPeerServices(invoker: FunctionInvoker = lambdaFunctionInvoker()): PeerServices {
  return {
    readCart: (userId, correlationId) => invoker.invoke(READ_CART, { userId }, ReadCartResponse, correlationId),
    clearCart: (order, correlationId) => invoker.invoke(CLEAR_CART, { ...order }, ClearCartResponse, correlationId),
    async getProducts(productIds, correlationId) {
      const answer = await invoker.invoke(GET_PRODUCTS, { productIds: [...new Set(productIds)] }, GetProductsResponse, correlationId);
      return answer.products;
    },
    checkAvailability: (lines, correlationId) => invoker.invoke(CHECK_AVAILABILITY, { lines }, CheckAvailabilityResponse, correlationId),
    releaseStock: (orderId, correlationId) => invoker.invoke(RELEASE_STOCK, { orderId }, ReservationResponse, correlationId),
    checkoutStarted: (notice, correlationId) => invoker.invokeAsync(CHECKOUT_STARTED, { ...notice }, correlationId),
  };
}
