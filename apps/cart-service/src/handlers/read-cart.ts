import { invokeHandler } from '@shop/common';
import { ReadCartRequest, type ReadCartResponse } from '@shop/contracts';
import { dynamoCartRepository } from '../adapters/dynamodb-cart-repository';
import { toReadCartResponse } from '../domain/cart-record';

const carts = dynamoCartRepository();

export const handler = invokeHandler(ReadCartRequest, async ({ payload }): Promise<ReadCartResponse> => {
  return toReadCartResponse(payload.userId, await carts.get(payload.userId));
});
