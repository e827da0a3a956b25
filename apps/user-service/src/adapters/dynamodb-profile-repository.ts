import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '@shop/common';
import { conditionHeld, tableAccess, type TableAccessOptions } from '@shop/aws';
import type { User } from '@shop/contracts';
import { toUser } from '../domain/profile';
import type { ProfileRepository } from '../domain/profile-repository';

/** The users table behind the ProfileRepository port. */
export function dynamoProfileRepository(options: TableAccessOptions = {}): ProfileRepository {
  const { client, tableName } = tableAccess(options, { tableName: 'users' });

  return {
    async create(profile) {
      const created = await conditionHeld(() =>
        client().send(new PutCommand({ TableName: tableName(), Item: profile, ConditionExpression: 'attribute_not_exists(userId)' })),
      );
      if (!created) throw new ConflictError('This user already has a profile', 'PROFILE_EXISTS');
    },

    async get(userId) {
      // Strongly consistent: the profile written at registration is there on the first sign-in.
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { userId }, ConsistentRead: true }));
      return out.Item ? toUser(out.Item as User) : undefined;
    },
  };
}
