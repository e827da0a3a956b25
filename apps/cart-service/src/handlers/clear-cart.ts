import { invokeHandler } from '@shop/common';
import { ClearCartRequest, type ClearCartResponse } from '@shop/contracts';
import { dynamoCartRepository } from '../adapters/dynamodb-cart-repository';
import { clearCart } from '../domain/clear-cart';

const carts = dynamoCartRepository();

export const handler = invokeHandler(ClearCartRequest, async ({ payload, log }): Promise<ClearCartResponse> => {
  const answer = await clearCart(payload, { carts, now: () => new Date() });
  log.info({ userId: payload.userId, cartId: payload.cartId, orderId: payload.orderId, cleared: answer.cleared }, 'cart cleared of an order');
  return answer;
});
