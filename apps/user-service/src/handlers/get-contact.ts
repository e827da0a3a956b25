import { invokeHandler, NamedError } from '@shop/common';
import { GetContactRequest, USER_NOT_FOUND } from '@shop/contracts';
import { dynamoProfileRepository } from '../adapters/dynamodb-profile-repository';
import { toContact } from '../domain/profile';

const profiles = dynamoProfileRepository();

/**
 * Where to reach a user, for notification-service (the only caller its manifest allows): email,
 * name, and the phone number when they gave one. A user without a profile is `UserNotFound`.
 */
export const handler = invokeHandler(GetContactRequest, async ({ payload }) => {
  const profile = await profiles.get(payload.userId);
  if (!profile) throw new NamedError(USER_NOT_FOUND, `no user ${payload.userId}`);
  return toContact(profile);
});
