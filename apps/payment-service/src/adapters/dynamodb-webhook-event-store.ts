import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableAccess, type TableAccessOptions } from '@shop/aws';

/** How long a handled event id is remembered; providers retry for far less. */
export const WEBHOOK_EVENT_RETENTION_SECONDS = 7 * 24 * 60 * 60;

/**
 * Provider events already handled, so that a redelivery is answered at once. Written only after an
 * event was handled (its outcome queued): a delivery is never dropped because it was noted and then
 * lost. A redelivery that comes before the note is handled again, and downstream takes the repeat
 * as the duplicate it is.
 */
export interface WebhookEventStore {
  handled(eventId: string): Promise<boolean>;
  /** `orderId` absent for an event that names no order of the shop. */
  remember(event: { eventId: string; orderId?: string; now: Date }): Promise<void>;
}

/** The webhook-events table (pk eventId, TTL expiresAt). */
export function dynamoWebhookEventStore(options: TableAccessOptions = {}): WebhookEventStore {
  const { client, tableName } = tableAccess(options, { tableName: 'webhook-events' });

  return {
    async handled(eventId) {
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { eventId }, ConsistentRead: true }));
      return out.Item !== undefined;
    },

    async remember({ eventId, orderId, now }) {
      await client().send(
        new PutCommand({
          TableName: tableName(),
          Item: { eventId, ...(orderId && { orderId }), handledAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + WEBHOOK_EVENT_RETENTION_SECONDS },
        }),
      );
    },
  };
}
