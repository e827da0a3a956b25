import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { cognitoAccountDirectory } from '../adapters/cognito-account-directory';
import { dynamoAccountRecords } from '../adapters/dynamodb-account-records';
import { dynamoProfileRepository } from '../adapters/dynamodb-profile-repository';
import { lambdaCustomerCarts } from '../adapters/lambda-customer-carts';
import { deleteAccount } from '../domain/account-deletion';
import { service } from '../service';

const route = httpRoute(service, 'delete-account');
const profiles = dynamoProfileRepository();
const deps = {
  carts: lambdaCustomerCarts(),
  records: dynamoAccountRecords(),
  accounts: cognitoAccountDirectory(),
  storedRole: async (userId: string) => (await profiles.get(userId))?.role,
};

/** Deletes the caller's own account: the route takes no user id and no body, only the token's. */
export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ principal, correlationId, log }) => {
  await deleteAccount(principal, { ...deps, correlationId, log });
  // The sub only: it is all that is left of the customer (on their orders).
  log.info({ userId: principal.userId }, 'account deleted: cart, verification codes, profile and pool user');
  return { status: 204 };
});
