import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv, tableEnvVar } from '@shop/common';
import { dynamoDocumentClient, isConditionalCheckFailed } from '@shop/aws';
import type { PaymentStatus } from '@shop/domain';

export const PAYMENTS_TABLE_ENV = tableEnvVar('payments');

export interface ChargeAttempt {
  orderId: string;
  chargeId: string;
  status: PaymentStatus;
  paymentMethod: string;
  attempts: number;
  reason?: string;
  now: Date;
}

export interface ChargeEvent {
  orderId: string;
  chargeId: string;
  status: PaymentStatus;
  reason?: string;
  eventId: string;
  /** The event's `created`, unix seconds. */
  eventCreated: number;
  now: Date;
}

export interface PaymentRepository {
  /** Records a charge the provider took. Attempts add up across calls; a status set by a webhook is kept. */
  recordCharge(attempt: ChargeAttempt): Promise<void>;
  /** Applies a provider event's outcome unless a newer event was applied; `false` when it was older. */
  recordEvent(event: ChargeEvent): Promise<boolean>;
}

/** The payments table (pk orderId): one item per order, written by both functions. */
export function dynamoPaymentRepository(
  options: { client?: () => DynamoDBDocumentClient; tableName?: () => string } = {},
): PaymentRepository {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(PAYMENTS_TABLE_ENV));

  return {
    async recordCharge(attempt) {
      const timestamp = attempt.now.toISOString();
      await client().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { orderId: attempt.orderId },
          // The webhook may have come first: its status (and reason) win over "PROCESSING".
          UpdateExpression: [
            'SET chargeId = :chargeId, paymentMethod = :paymentMethod, updatedAt = :now',
            '#status = if_not_exists(#status, :status)',
            'attempts = if_not_exists(attempts, :zero) + :attempts',
            'createdAt = if_not_exists(createdAt, :now)',
            ...(attempt.reason ? ['reason = if_not_exists(reason, :reason)'] : []),
          ].join(', '),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':chargeId': attempt.chargeId,
            ':paymentMethod': attempt.paymentMethod,
            ':now': timestamp,
            ':status': attempt.status,
            ':zero': 0,
            ':attempts': attempt.attempts,
            ...(attempt.reason ? { ':reason': attempt.reason } : {}),
          },
        }),
      );
    },

    async recordEvent(event) {
      const timestamp = event.now.toISOString();
      try {
        await client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { orderId: event.orderId },
            UpdateExpression: [
              'SET chargeId = :chargeId, #status = :status, lastEventId = :eventId, lastEventAt = :eventAt, updatedAt = :now',
              'createdAt = if_not_exists(createdAt, :now)',
              ...(event.reason ? ['reason = :reason'] : []),
            ].join(', ') + (event.reason ? '' : ' REMOVE reason'),
            ConditionExpression: 'attribute_not_exists(lastEventAt) OR lastEventAt <= :eventAt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':chargeId': event.chargeId,
              ':status': event.status,
              ':eventId': event.eventId,
              ':eventAt': event.eventCreated,
              ':now': timestamp,
              ...(event.reason ? { ':reason': event.reason } : {}),
            },
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
