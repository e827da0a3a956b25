import { type FunctionInvoker, lambdaFunctionInvoker } from '@shop/aws';
import { Contact } from '@shop/contracts';
import type { Contacts } from '../domain/ports';
import type { InvokesOf } from '@shop/platform';
import type { NotificationService } from '../service';

export const GET_CONTACT = 'user-service/get-contact' satisfies InvokesOf<NotificationService>;

/**
 * user-service's get-contact, invoked and waited for (RequestResponse), its answer checked against
 * the contract; a function error (`UserNotFound`) is thrown as `InvokedFunctionError`.
 */
export function userContacts(invoker: FunctionInvoker = lambdaFunctionInvoker()): Contacts {
  return {
    get: (userId, correlationId) => invoker.invoke(GET_CONTACT, { userId }, Contact, correlationId),
  };
}
