import { invokeHandler } from '@shop/common';
import { GetProductsRequest, type GetProductsResponse } from '@shop/contracts';
import { dynamoProductRepository } from '../adapters/dynamodb-product-repository';
import { catalogAnswer, distinctIds } from '../domain/catalog-lookup';

const products = dynamoProductRepository();

export const handler = invokeHandler(GetProductsRequest, async ({ payload }): Promise<GetProductsResponse> => {
  const records = await products.getMany(distinctIds(payload.productIds));
  return catalogAnswer(payload.productIds, records);
});
