import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoProfileRepository } from '../adapters/dynamodb-profile-repository';
import { dynamoVerificationStore } from '../adapters/dynamodb-verification-store';
import { confirmVerification } from '../domain/contact-verification';
import { withCallersRole } from '../domain/profile';
import { service } from '../service';

const route = httpRoute(service, 'confirm-verification');
const deps = {
  profiles: dynamoProfileRepository(),
  verifications: dynamoVerificationStore(),
  now: () => new Date(),
};

/** Verifies the caller's own address or phone with the code sent there: the route takes no user id, only the token's. */
export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, principal, log }) => {
  const profile = await confirmVerification(deps, principal.userId, body.channel, body.code);
  log.info({ channel: body.channel }, 'contact verified');
  return { status: 200, body: withCallersRole(profile, principal.roles) };
});
