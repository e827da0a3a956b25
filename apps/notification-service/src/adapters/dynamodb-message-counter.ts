import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, tableAccess, type TableAccessOptions } from '@shop/aws';
import type { MessageCounter } from '../domain/ports';

const HOUR_MS = 3_600_000;

/**
 * The message-counts table behind the MessageCounter port: one counter per account, channel and
 * clock hour (`<userId>#<channel>#2026-03-01T10`), raised by a conditional update, so that
 * concurrent sends can never count past the limit. A counter expires (TTL) an hour after its hour.
 */
export function dynamoMessageCounter(options: TableAccessOptions = {}): MessageCounter {
  const { client, tableName } = tableAccess(options, { tableName: 'message-counts' });
  return {
    async countWithin({ userId, channel }, limit, at) {
      const hourStart = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
      return conditionHeld(() =>
        client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { id: `${userId}#${channel}#${new Date(hourStart).toISOString().slice(0, 13)}` },
            UpdateExpression: 'ADD #sent :one SET #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#sent) OR #sent < :limit',
            ExpressionAttributeNames: { '#sent': 'sent', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiresAt': (hourStart + 2 * HOUR_MS) / 1000 },
          }),
        ),
      );
    },
  };
}
