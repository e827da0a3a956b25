import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient, isConditionalCheckFailed } from '@shop/aws';
import { requireEnv, tableEnvVar } from '@shop/common';
import type { MessageCounter } from '../domain/ports';

export const MESSAGE_COUNTS_TABLE_ENV = tableEnvVar('message-counts');

const HOUR_MS = 3_600_000;

export interface DynamoMessageCounterOptions {
  client?: () => DynamoDBDocumentClient;
  /** Read at each call, not at load. */
  tableName?: () => string;
}

/**
 * The message-counts table behind the MessageCounter port: one counter per account, channel and
 * clock hour (`<userId>#<channel>#2026-03-01T10`), raised by a conditional update, so that
 * concurrent sends can never count past the limit. A counter expires (TTL) an hour after its hour.
 */
export function dynamoMessageCounter(options: DynamoMessageCounterOptions = {}): MessageCounter {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(MESSAGE_COUNTS_TABLE_ENV));
  return {
    async countWithin({ userId, channel }, limit, at) {
      const hourStart = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
      try {
        await client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { id: `${userId}#${channel}#${new Date(hourStart).toISOString().slice(0, 13)}` },
            UpdateExpression: 'ADD #sent :one SET #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#sent) OR #sent < :limit',
            ExpressionAttributeNames: { '#sent': 'sent', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiresAt': (hourStart + 2 * HOUR_MS) / 1000 },
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
