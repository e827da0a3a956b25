import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, dynamoDocumentClient, GetCommand, isConditionalCheckFailed, PutCommand, requireEnv, tableEnvVar, UpdateCommand } from '@shop/common';
import type { Claim, SentNotifications } from '../domain/ports';

export const SENT_NOTIFICATIONS_TABLE_ENV = tableEnvVar('sent-notifications');

/** How long the record of a sent notification is kept: longer than any redelivery comes. */
const KEEP_SECONDS = 7 * 24 * 3600;

export interface DynamoSentNotificationsOptions {
  client?: () => DynamoDBDocumentClient;
  tableName?: () => string;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * The sent-notifications table behind the SentNotifications port: a conditional put claims an
 * entry only when there is none, or when the one there is an unfinished claim whose lease ran out.
 * Powertools' idempotency utility does the same job, but its DynamoDB layer brings its own copy of
 * the AWS SDK into the bundle (the functions take theirs from the common-utils layer).
 */
export function dynamoSentNotifications(options: DynamoSentNotificationsOptions = {}): SentNotifications {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(SENT_NOTIFICATIONS_TABLE_ENV));
  return {
    async claim(notificationId, now, leaseSeconds): Promise<Claim> {
      try {
        await client().send(
          new PutCommand({
            TableName: tableName(),
            Item: { notificationId, status: 'SENDING', leaseUntil: epochSeconds(now) + leaseSeconds, expiresAt: epochSeconds(now) + KEEP_SECONDS },
            ConditionExpression: 'attribute_not_exists(notificationId) OR (#status = :sending AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sending': 'SENDING', ':now': epochSeconds(now) },
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const { Item } = await client().send(new GetCommand({ TableName: tableName(), Key: { notificationId }, ConsistentRead: true }));
        return Item?.['status'] === 'SENT' ? 'already-sent' : 'in-flight';
      }
    },
    async markSent(notificationId, now, messageId) {
      await client().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { notificationId },
          UpdateExpression: 'SET #status = :sent, sentAt = :at, messageId = :messageId REMOVE leaseUntil',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':at': now.toISOString(), ':messageId': messageId },
        }),
      );
    },
    async release(notificationId) {
      try {
        await client().send(
          new DeleteCommand({
            TableName: tableName(),
            Key: { notificationId },
            ConditionExpression: '#status = :sending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sending': 'SENDING' },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
}
