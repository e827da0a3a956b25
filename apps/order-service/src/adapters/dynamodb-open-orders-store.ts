import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, tableAccess, type TableAccessOptions } from '@shop/aws';
import type { OpenOrdersRecord, OpenOrdersStore } from '../domain/open-orders';

/** The open-orders table behind the OpenOrdersStore port: one item per customer, optimistic concurrency on `version`. */
export function dynamoOpenOrdersStore(options: TableAccessOptions = {}): OpenOrdersStore {
  const { client, tableName } = tableAccess(options, { tableName: 'open-orders' });

  return {
    async get(userId) {
      // Strongly consistent: a count read from a stale copy would let a burst of checkouts past the limit.
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { userId }, ConsistentRead: true }));
      return out.Item as OpenOrdersRecord | undefined;
    },

    save(record) {
      return conditionHeld(() =>
        client().send(
          new PutCommand({
            TableName: tableName(),
            Item: record,
            ...(record.version === 1
              ? { ConditionExpression: 'attribute_not_exists(userId)' }
              : {
                  ConditionExpression: '#version = :read',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':read': record.version - 1 },
                }),
          }),
        ),
      );
    },
  };
}
