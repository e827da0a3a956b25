import { httpHandler, NotFoundError } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { dynamoProfileRepository } from '../adapters/dynamodb-profile-repository';
import { withCallersRole } from '../domain/profile';
import { service } from '../service';

const route = httpRoute(service, 'get-profile');
const profiles = dynamoProfileRepository();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ principal }) => {
  const profile = await profiles.get(principal.userId);
  if (!profile) throw new NotFoundError('Profile not found');
  return { status: 200, body: withCallersRole(profile, principal.roles) };
});
