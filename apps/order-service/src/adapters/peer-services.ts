import { CheckAvailabilityResponse, ClearCartResponse, GetProductsResponse, ReadCartResponse, ReservationResponse } from '@shop/contracts';
import { ConfigError } from '@shop/common';
import { CheckoutUnavailableError } from '../domain/errors';
import type { PeerServices } from '../domain/peer-services';
import { type FunctionInvoker, lambdaFunctionInvoker } from '@shop/aws';
import type { InvokesAsyncOf, InvokesOf } from '@shop/platform';
import type { OrderService } from '../service';

/* What the manifest's `invokes` grant (IAM allows no other): a typo or an ungranted function fails the type check. */
export const READ_CART = 'cart-service/read-cart' satisfies InvokesOf<OrderService>;
export const CLEAR_CART = 'cart-service/clear-cart' satisfies InvokesOf<OrderService>;
export const GET_PRODUCTS = 'product-service/get-products' satisfies InvokesOf<OrderService>;
export const CHECK_AVAILABILITY = 'inventory-service/check-availability' satisfies InvokesOf<OrderService>;
export const RELEASE_STOCK = 'inventory-service/release-stock' satisfies InvokesOf<OrderService>;
export const CHECKOUT_STARTED = 'analytics-service/stream-processor' satisfies InvokesAsyncOf<OrderService>;

/**
 * Other services' functions, called with RequestResponse invokes and their answers checked against
 * the contract's schemas. The two reads an order is priced from fail as CheckoutUnavailableError
 * (503, retry): a function error, a throttle, no answer, or an answer outside the contract is none
 * of them a reason to refuse the order. A function name missing from the environment is a
 * deployment bug, and stays the ConfigError it is.
 */
export function lambdaPeerServices(invoker: FunctionInvoker = lambdaFunctionInvoker()): PeerServices {
  const read = async <T>(name: string, ask: () => Promise<T>): Promise<T> => {
    try {
      return await ask();
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new CheckoutUnavailableError(`asking ${name} failed`, error);
    }
  };
  return {
    readCart: (userId, correlationId) => read(READ_CART, () => invoker.invoke(READ_CART, { userId }, ReadCartResponse, correlationId)),
    clearCart: (order, correlationId) => invoker.invoke(CLEAR_CART, { ...order }, ClearCartResponse, correlationId),
    async getProducts(productIds, correlationId) {
      const answer = await read(GET_PRODUCTS, () => invoker.invoke(GET_PRODUCTS, { productIds: [...new Set(productIds)] }, GetProductsResponse, correlationId));
      return answer.products;
    },
    checkAvailability: (lines, correlationId) => invoker.invoke(CHECK_AVAILABILITY, { lines }, CheckAvailabilityResponse, correlationId),
    releaseStock: (orderId, correlationId) => invoker.invoke(RELEASE_STOCK, { orderId }, ReservationResponse, correlationId),
    checkoutStarted: (notice, correlationId) => invoker.invokeAsync(CHECKOUT_STARTED, { ...notice }, correlationId),
  };
}
