import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { functionEnvVar, requireEnv } from '@shop/common';
import { lambdaClient } from '@shop/aws';
import { GetProductsResponse } from '@shop/domain';
import type { Catalog } from '../domain/catalog';
import { CatalogUnavailableError } from '../domain/errors';

export const GET_PRODUCTS = 'product-service/get-products';
export const GET_PRODUCTS_FUNCTION_ENV = functionEnvVar(GET_PRODUCTS);

export interface LambdaCatalogOptions {
  client?: () => LambdaClient;
  /** Read at each call, not at load. */
  functionName?: () => string;
}

/**
 * The catalogue through product-service/get-products, invoked RequestResponse. A function
 * error (the answer carries `FunctionError` and an error payload), a failed invoke or an
 * answer that is not a GetProductsResponse all throw: none of them is an empty catalogue.
 */
export function lambdaCatalog(options: LambdaCatalogOptions = {}): Catalog {
  const client = options.client ?? lambdaClient;
  const functionName = options.functionName ?? (() => requireEnv(GET_PRODUCTS_FUNCTION_ENV));

  return {
    async products(productIds, correlationId) {
      const name = functionName();
      let out: InvokeCommandOutput;
      try {
        out = await client().send(
          new InvokeCommand({
            FunctionName: name,
            InvocationType: 'RequestResponse',
            Payload: new TextEncoder().encode(JSON.stringify({ productIds, correlationId })),
          }),
        );
      } catch (error) {
        throw new CatalogUnavailableError(`invoking ${GET_PRODUCTS} (${name}) failed`, error);
      }
      const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
      if (out.FunctionError) {
        throw new CatalogUnavailableError(`${GET_PRODUCTS} failed (${out.FunctionError}): ${text.slice(0, 1000)}`);
      }
      const answer = GetProductsResponse.safeParse(parseJson(text));
      if (!answer.success) {
        throw new CatalogUnavailableError(`${GET_PRODUCTS} answered what is not a GetProductsResponse: ${text.slice(0, 200)}`);
      }
      return answer.data.products;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
