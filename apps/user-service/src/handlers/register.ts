import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { cognitoAccountDirectory } from '../adapters/cognito-account-directory';
import { dynamoProfileRepository } from '../adapters/dynamodb-profile-repository';
import { registerCustomer } from '../domain/registration';
import { service } from '../service';

const route = httpRoute(service, 'register');
const accounts = cognitoAccountDirectory();
const profiles = dynamoProfileRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, log }) => {
  const account = await registerCustomer(body, { accounts, profiles, log, now: () => new Date() });
  log.info({ userId: account.userId }, 'customer registered');
  return { status: 201, body: account };
});
