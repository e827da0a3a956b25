import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv, tableEnvVar } from '@shop/common';
import { dynamoDocumentClient, isConditionalCheckFailed } from '@shop/aws';
import type { CartRecord } from '../domain/cart-record';
import type { CartRepository } from '../domain/cart-repository';

export const CARTS_TABLE_ENV = tableEnvVar('carts');

export interface DynamoCartRepositoryOptions {
  client?: () => DynamoDBDocumentClient;
  /** Read at each call, not at load: cold start stays light and tests set it per test. */
  tableName?: () => string;
}

/** The carts table behind the CartRepository port: optimistic concurrency on `version`. */
export function dynamoCartRepository(options: DynamoCartRepositoryOptions = {}): CartRepository {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(CARTS_TABLE_ENV));

  return {
    async get(userId) {
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { userId }, ConsistentRead: true }));
      return out.Item as CartRecord | undefined;
    },

    async save(cart) {
      const firstWrite = cart.version === 1;
      try {
        await client().send(
          new PutCommand({
            TableName: tableName(),
            Item: cart,
            ...(firstWrite
              ? { ConditionExpression: 'attribute_not_exists(userId)' }
              : {
                  ConditionExpression: '#version = :read',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':read': cart.version - 1 },
                }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}
