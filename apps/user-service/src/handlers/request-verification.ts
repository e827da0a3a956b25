import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoProfileRepository } from '../adapters/dynamodb-profile-repository';
import { dynamoVerificationStore } from '../adapters/dynamodb-verification-store';
import { sesSnsCodeSender } from '../adapters/ses-sns-code-sender';
import { requestVerification } from '../domain/contact-verification';
import { newCode } from '../domain/verification-code';
import { service } from '../service';

const route = httpRoute(service, 'request-verification');
const deps = {
  profiles: dynamoProfileRepository(),
  verifications: dynamoVerificationStore(),
  sender: sesSnsCodeSender(),
  now: () => new Date(),
  newCode,
};

/** Sends a code to the caller's own address or phone: the route takes no user id, only the token's. */
export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, principal, log }) => {
  const { sent, repeated } = await requestVerification({ ...deps, log }, principal.userId, body.channel);
  // Where it went, masked; never the code.
  log.info({ channel: sent.channel, sentTo: sent.sentTo, repeated }, repeated ? 'verification code asked for again while on its way or within a minute of its delivery: answered with it, nothing sent' : 'verification code sent');
  return { status: 202, body: sent };
});
