import { type FunctionInvoker, InvokedFunctionError, lambdaFunctionInvoker } from '@shop/aws';
import { Contact, USER_NOT_FOUND } from '@shop/contracts';
import type { Contacts } from '../domain/ports';
import type { InvokesOf } from '@shop/platform';
import type { NotificationService } from '../service';

export const GET_CONTACT = 'user-service/get-contact' satisfies InvokesOf<NotificationService>;

/**
 * user-service's get-contact, invoked and waited for (RequestResponse), its answer checked against
 * the contract. Its `UserNotFound` (a customer who deleted their account) is no contact; any other
 * function error is thrown as `InvokedFunctionError`.
 */
export function userContacts(invoker: FunctionInvoker = lambdaFunctionInvoker()): Contacts {
  return {
    async get(userId, correlationId) {
      try {
        return await invoker.invoke(GET_CONTACT, { userId }, Contact, correlationId);
      } catch (error) {
        if (error instanceof InvokedFunctionError && error.errorType === USER_NOT_FOUND) return undefined;
        throw error;
      }
    },
  };
}
