import { GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, tableAccess, type TableAccessOptions } from '@shop/aws';
import type { Money, PaymentStatus } from '@shop/contracts';
import type { PaymentRecord } from '../domain/payment-record';

export interface ChargeAttempt {
  orderId: string;
  chargeId: string;
  status: PaymentStatus;
  attempts: number;
  reason?: string;
  now: Date;
}

export interface ChargeEvent {
  orderId: string;
  status: PaymentStatus;
  reason?: string;
  eventId: string;
  /** The event's `created`, unix seconds. */
  eventCreated: number;
  now: Date;
}

export interface PaymentRepository {
  get(orderId: string): Promise<PaymentRecord | undefined>;
  /** Notes what the order costs and how it is paid, before the provider is asked; kept as first written. */
  beginCharge(payment: { orderId: string; amount: Money; now: Date }): Promise<void>;
  /**
   * Records the charge the provider took. Attempts add up across calls; a status set by a webhook is
   * kept. `false` when another charge id is recorded for the order (the provider broke its idempotency).
   */
  recordCharge(attempt: ChargeAttempt): Promise<boolean>;
  /** The webhook came before process-payment recorded the charge: records its id, unless another one was. */
  adoptChargeId(orderId: string, chargeId: string, now: Date): Promise<boolean>;
  /** Applies a provider event's outcome unless a newer event was applied; `false` when it was older. */
  recordEvent(event: ChargeEvent): Promise<boolean>;
}

/** The payments table (pk orderId): one item per order, written by process-payment and payment-webhook. */
export function dynamoPaymentRepository(options: TableAccessOptions = {}): PaymentRepository {
  const { client, tableName } = tableAccess(options, { tableName: 'payments' });

  /** An update of an order's payment: `false`, not an error, when its condition does not hold. */
  const updateIf = (orderId: string, input: Omit<UpdateCommandInput, 'TableName' | 'Key'>) =>
    conditionHeld(() => client().send(new UpdateCommand({ TableName: tableName(), Key: { orderId }, ...input })));

  return {
    async get(orderId) {
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { orderId }, ConsistentRead: true }));
      return out.Item as PaymentRecord | undefined;
    },

    async beginCharge({ orderId, amount, now }) {
      const timestamp = now.toISOString();
      await client().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { orderId },
          UpdateExpression: [
            'SET amount = if_not_exists(amount, :amount)',
            'createdAt = if_not_exists(createdAt, :now), updatedAt = :now',
          ].join(', '),
          // No status yet: the provider's answer (or a webhook that overtook it) sets the first one.
          ExpressionAttributeValues: { ':amount': amount, ':now': timestamp },
        }),
      );
    },

    async recordCharge(attempt) {
      const timestamp = attempt.now.toISOString();
      return updateIf(attempt.orderId, {
        // The webhook may have come first: its status (and reason) win over "PROCESSING".
        UpdateExpression: [
          'SET chargeId = :chargeId, updatedAt = :now',
          '#status = if_not_exists(#status, :status)',
          'attempts = if_not_exists(attempts, :zero) + :attempts',
          ...(attempt.reason ? ['reason = if_not_exists(reason, :reason)'] : []),
        ].join(', '),
        ConditionExpression: 'attribute_exists(orderId) AND (attribute_not_exists(chargeId) OR chargeId = :chargeId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':chargeId': attempt.chargeId,
          ':now': timestamp,
          ':status': attempt.status,
          ':zero': 0,
          ':attempts': attempt.attempts,
          ...(attempt.reason ? { ':reason': attempt.reason } : {}),
        },
      });
    },

    async adoptChargeId(orderId, chargeId, now) {
      return updateIf(orderId, {
        UpdateExpression: 'SET chargeId = :chargeId, updatedAt = :now',
        ConditionExpression: 'attribute_exists(orderId) AND (attribute_not_exists(chargeId) OR chargeId = :chargeId)',
        ExpressionAttributeValues: { ':chargeId': chargeId, ':now': now.toISOString() },
      });
    },

    async recordEvent(event) {
      const timestamp = event.now.toISOString();
      return updateIf(event.orderId, {
        UpdateExpression:
          [
            'SET #status = :status, lastEventId = :eventId, lastEventAt = :eventAt, updatedAt = :now',
            ...(event.reason ? ['reason = :reason'] : []),
          ].join(', ') + (event.reason ? '' : ' REMOVE reason'),
        ConditionExpression: 'attribute_exists(orderId) AND (attribute_not_exists(lastEventAt) OR lastEventAt <= :eventAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': event.status,
          ':eventId': event.eventId,
          ':eventAt': event.eventCreated,
          ':now': timestamp,
          ...(event.reason ? { ':reason': event.reason } : {}),
        },
      });
    },
  };
}
