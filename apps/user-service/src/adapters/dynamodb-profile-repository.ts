import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, requireEnv, tableEnvVar } from '@shop/common';
import { dynamoDocumentClient, isConditionalCheckFailed } from '@shop/aws';
import type { User } from '@shop/domain';
import { toUser } from '../domain/profile';
import type { ProfileRepository } from '../domain/profile-repository';

export const USERS_TABLE_ENV = tableEnvVar('users');

export interface DynamoProfileRepositoryOptions {
  client?: () => DynamoDBDocumentClient;
  /** Read at each call, not at load: cold start stays light and tests set it per test. */
  tableName?: () => string;
}

/** The users table behind the ProfileRepository port. */
export function dynamoProfileRepository(options: DynamoProfileRepositoryOptions = {}): ProfileRepository {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(USERS_TABLE_ENV));

  return {
    async create(profile) {
      try {
        await client().send(new PutCommand({ TableName: tableName(), Item: profile, ConditionExpression: 'attribute_not_exists(userId)' }));
      } catch (error) {
        if (isConditionalCheckFailed(error)) {
          throw new ConflictError('This user already has a profile', 'PROFILE_EXISTS');
        }
        throw error;
      }
    },

    async get(userId) {
      // Strongly consistent: the profile written at registration is there on the first sign-in.
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { userId }, ConsistentRead: true }));
      return out.Item ? toUser(out.Item as User) : undefined;
    },
  };
}
