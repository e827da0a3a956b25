import { ConfigError } from '@shop/common';
import { type FunctionInvoker, lambdaFunctionInvoker } from '@shop/aws';
import { ForgetCustomerResponse } from '@shop/contracts';
import type { InvokesOf } from '@shop/platform';
import { type CustomerCarts, DeletionIncompleteError } from '../domain/account-deletion';
import type { UserService } from '../service';

/** cart-service's forget-customer (manifest: invokes), which only delete-account may invoke. */
export const FORGET_CUSTOMER = 'cart-service/forget-customer' satisfies InvokesOf<UserService>;

/**
 * cart-service through its forget-customer function, invoked and waited for (RequestResponse). A
 * function error, a failed invoke or an answer outside the contract is a DeletionIncompleteError
 * (503, try again); a function name missing from the environment is a deployment bug, and stays
 * the ConfigError it is.
 */
export function lambdaCustomerCarts(invoker: FunctionInvoker = lambdaFunctionInvoker()): CustomerCarts {
  return {
    async forget(userId, correlationId) {
      try {
        await invoker.invoke(FORGET_CUSTOMER, { userId }, ForgetCustomerResponse, correlationId);
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new DeletionIncompleteError(error);
      }
    },
  };
}
