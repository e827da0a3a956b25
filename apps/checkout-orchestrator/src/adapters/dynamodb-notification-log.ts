import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient, PutCommand, requireEnv, tableEnvVar } from '@shop/common';
import type { NotificationLog } from '../domain/notification';

export const NOTIFICATIONS_TABLE_ENV = tableEnvVar('notifications');

export interface DynamoNotificationLogOptions {
  client?: () => DynamoDBDocumentClient;
  tableName?: () => string;
}

/** The notifications table behind the NotificationLog port: one item per order, the latest notification. */
export function dynamoNotificationLog(options: DynamoNotificationLogOptions = {}): NotificationLog {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(NOTIFICATIONS_TABLE_ENV));
  return {
    async record(notification) {
      // A retried step writes the same item again: recording is idempotent per order.
      await client().send(new PutCommand({ TableName: tableName(), Item: notification }));
    },
  };
}
