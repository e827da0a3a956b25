import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { cognitoAccountDirectory } from '../adapters/cognito-account-directory';
import { toLoginResponse } from '../domain/session';
import { service } from '../service';

const route = httpRoute(service, 'refresh-session');
const accounts = cognitoAccountDirectory();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body }) => {
  const tokens = await accounts.refresh(body.refreshToken);
  // Tokens must not be kept by caches on the way (RFC 6749, section 5.1).
  return { status: 200, body: toLoginResponse(tokens, new Date()), headers: { 'cache-control': 'no-store' } };
});
