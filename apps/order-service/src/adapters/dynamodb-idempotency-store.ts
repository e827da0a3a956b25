import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv, tableEnvVar } from '@shop/common';
import { dynamoDocumentClient, isConditionalCheckFailed } from '@shop/aws';
import type { IdempotencyRecord, IdempotencyStore } from '../domain/idempotency';

export const IDEMPOTENCY_KEYS_TABLE_ENV = tableEnvVar('idempotency-keys');

export interface DynamoIdempotencyStoreOptions {
  client?: () => DynamoDBDocumentClient;
  tableName?: () => string;
}

/** The idempotency-keys table behind the IdempotencyStore port. */
export function dynamoIdempotencyStore(options: DynamoIdempotencyStoreOptions = {}): IdempotencyStore {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(IDEMPOTENCY_KEYS_TABLE_ENV));

  return {
    async claim(record, now) {
      try {
        await client().send(
          new PutCommand({
            TableName: tableName(),
            Item: record,
            // TTL deletes expired items only eventually: an expired key counts as free.
            ConditionExpression: 'attribute_not_exists(#key) OR expiresAt < :now',
            ExpressionAttributeNames: { '#key': 'key' },
            ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          }),
        );
        return record;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const out = await client().send(new GetCommand({ TableName: tableName(), Key: { key: record.key }, ConsistentRead: true }));
        if (!out.Item) throw new Error(`idempotency key ${record.key} was held and is gone`);
        return out.Item as IdempotencyRecord;
      }
    },
  };
}
