import { invokeHandler } from '@shop/common';
import { ReadCartRequest, type ReadCartResponse } from '@shop/contracts';
import { dynamoCartRepository } from '../adapters/dynamodb-cart-repository';
import { toReadCartResponse } from '../domain/cart-record';
import { cartUnlessForgotten } from '../domain/forget-customer';

const carts = dynamoCartRepository();

/** A customer who deleted their account has no cart: checkout finds nothing to order. */
export const handler = invokeHandler(ReadCartRequest, async ({ payload }): Promise<ReadCartResponse> => {
  return toReadCartResponse(payload.userId, await cartUnlessForgotten(carts, payload.userId));
});
