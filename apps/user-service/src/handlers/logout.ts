import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { cognitoAccountDirectory } from '../adapters/cognito-account-directory';
import { service } from '../service';

const route = httpRoute(service, 'logout');
const accounts = cognitoAccountDirectory();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, log }) => {
  await accounts.revoke(body.refreshToken);
  log.info('session ended: its refresh token is revoked');
  return { status: 204 };
});
