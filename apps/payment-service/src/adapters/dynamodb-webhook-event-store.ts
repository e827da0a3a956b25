import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv, tableEnvVar } from '@shop/common';
import { dynamoDocumentClient, isConditionalCheckFailed } from '@shop/aws';

export const WEBHOOK_EVENTS_TABLE_ENV = tableEnvVar('webhook-events');

/** How long a received event id is remembered; providers retry for far less. */
export const WEBHOOK_EVENT_RETENTION_SECONDS = 7 * 24 * 60 * 60;

export interface WebhookEventStore {
  /** Records the event id; `false` when it was already recorded (a duplicate delivery). */
  claim(event: { eventId: string; orderId: string; now: Date }): Promise<boolean>;
  /** Forgets an event id, so that the provider's retry is processed again. */
  release(eventId: string): Promise<void>;
}

/** The webhook-events table (pk eventId, TTL expiresAt): the dedupe of provider events. */
export function dynamoWebhookEventStore(
  options: { client?: () => DynamoDBDocumentClient; tableName?: () => string } = {},
): WebhookEventStore {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(WEBHOOK_EVENTS_TABLE_ENV));

  return {
    async claim({ eventId, orderId, now }) {
      try {
        await client().send(
          new PutCommand({
            TableName: tableName(),
            Item: {
              eventId,
              orderId,
              receivedAt: now.toISOString(),
              expiresAt: Math.floor(now.getTime() / 1000) + WEBHOOK_EVENT_RETENTION_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(eventId)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async release(eventId) {
      await client().send(new DeleteCommand({ TableName: tableName(), Key: { eventId } }));
    },
  };
}
