import { invokeHandler } from '@shop/common';
import { ForgetCustomerRequest, type ForgetCustomerResponse } from '@shop/contracts';
import { dynamoCartRepository } from '../adapters/dynamodb-cart-repository';
import { forgetCustomer } from '../domain/forget-customer';

const carts = dynamoCartRepository();

/**
 * Erases a customer's cart when they delete their account: invoked by user-service's
 * delete-account only (the manifest's callers, and the only function granted to invoke it).
 */
export const handler = invokeHandler(ForgetCustomerRequest, async ({ payload, log }): Promise<ForgetCustomerResponse> => {
  const answer = await forgetCustomer(payload.userId, { carts, now: () => new Date() });
  log.info({ userId: payload.userId }, 'customer forgotten: their cart is erased');
  return answer;
});
