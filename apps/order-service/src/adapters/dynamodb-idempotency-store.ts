import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, tableAccess, type TableAccessOptions } from '@shop/aws';
import type { IdempotencyRecord, IdempotencyStore } from '../domain/idempotency';

/** The idempotency-keys table behind the IdempotencyStore port. */
export function dynamoIdempotencyStore(options: TableAccessOptions = {}): IdempotencyStore {
  const { client, tableName } = tableAccess(options, { tableName: 'idempotency-keys' });

  return {
    async claim(record, now) {
      const claimed = await conditionHeld(() =>
        client().send(
          new PutCommand({
            TableName: tableName(),
            Item: record,
            // TTL deletes expired items only eventually: an expired key counts as free.
            ConditionExpression: 'attribute_not_exists(#key) OR expiresAt < :now',
            ExpressionAttributeNames: { '#key': 'key' },
            ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          }),
        ),
      );
      if (claimed) return record;
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { key: record.key }, ConsistentRead: true }));
      if (!out.Item) throw new Error(`idempotency key ${record.key} was held and is gone`);
      return out.Item as IdempotencyRecord;
    },
  };
}
