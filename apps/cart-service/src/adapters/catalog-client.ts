import { ConfigError } from '@shop/common';
import { type FunctionInvoker, lambdaFunctionInvoker } from '@shop/aws';
import { GetProductsResponse } from '@shop/contracts';
import type { Catalog } from '../domain/catalog';
import { CatalogUnavailableError } from '../domain/errors';

/* The manifest's `invokes` names the same function: that is what the IAM policy allows. */
export const GET_PRODUCTS = 'product-service/get-products';

/**
 * The catalogue through product-service/get-products, invoked RequestResponse. A function error,
 * a failed invoke or an answer that is not a GetProductsResponse is a CatalogUnavailableError
 * (503, try again): none of them is an empty catalogue. A function name missing from the
 * environment is a deployment bug, not an outage, and stays the ConfigError it is.
 */
export function lambdaCatalog(invoker: FunctionInvoker = lambdaFunctionInvoker()): Catalog {
  return {
    async products(productIds, correlationId) {
      try {
        const answer = await invoker.invoke(GET_PRODUCTS, { productIds }, GetProductsResponse, correlationId);
        return answer.products;
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new CatalogUnavailableError(`asking ${GET_PRODUCTS} failed`, error);
      }
    },
  };
}
