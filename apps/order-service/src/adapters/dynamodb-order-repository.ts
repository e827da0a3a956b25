import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { requireEnv, tableEnvVar } from '@shop/common';
import { dynamoDocumentClient, isConditionalCheckFailed } from '@shop/aws';
import type { ByUserKey } from '../domain/cursor';
import type { OrderRecord } from '../domain/order-record';
import type { OrderRepository, StatusMove } from '../domain/order-repository';
import { paymentGuard } from '../domain/transitions';

export const ORDERS_TABLE_ENV = tableEnvVar('orders');
export const BY_USER_INDEX = 'by-user';

export interface DynamoOrderRepositoryOptions {
  client?: () => DynamoDBDocumentClient;
  /** Read at each call, not at load: cold start stays light and tests set it per test. */
  tableName?: () => string;
}

/** The orders table behind the OrderRepository port. */
export function dynamoOrderRepository(options: DynamoOrderRepositoryOptions = {}): OrderRepository {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(ORDERS_TABLE_ENV));

  /** An UpdateItem that answers `undefined` instead of failing when its condition does not hold. */
  async function conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName'>): Promise<OrderRecord | undefined> {
    try {
      const out = await client().send(new UpdateCommand({ TableName: tableName(), ReturnValues: 'ALL_NEW', ...input }));
      return out.Attributes as OrderRecord;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  const repository: OrderRepository = {
    async get(orderId) {
      // Strongly consistent: every decision about a status is taken on the latest one.
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { orderId }, ConsistentRead: true }));
      return out.Item as OrderRecord | undefined;
    },

    async createIfAbsent(order) {
      try {
        await client().send(new PutCommand({ TableName: tableName(), Item: order, ConditionExpression: 'attribute_not_exists(orderId)' }));
        return order;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // A retry of the same checkout got here first: continue with what it wrote.
        const existing = await repository.get(order.orderId);
        if (!existing) throw new Error(`order ${order.orderId} was there and is gone`);
        return existing;
      }
    },

    async markCheckoutStarted(orderId, now) {
      await conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET checkoutStartedAt = if_not_exists(checkoutStartedAt, :now)',
        ConditionExpression: 'attribute_exists(orderId)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
        ReturnValues: 'NONE',
      });
    },

    async awaitPayment(orderId, wait) {
      const updated = await conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET #status = :awaiting, taskToken = :token, paymentDueAt = :due, updatedAt = :now',
        ConditionExpression: '#status IN (:pending, :awaiting)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':awaiting': 'AWAITING_PAYMENT',
          ':pending': 'PENDING',
          ':token': wait.taskToken,
          ':due': wait.paymentDueAt,
          ':now': wait.now.toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      });
      return updated !== undefined;
    },

    async recordPayment(orderId, payment) {
      return conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET paymentEventId = :event, paymentOutcome = :outcome, paymentMessageId = :message, updatedAt = :now',
        ConditionExpression: '#status = :awaiting AND attribute_not_exists(paymentEventId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':awaiting': 'AWAITING_PAYMENT',
          ':event': payment.eventId,
          ':outcome': payment.outcome,
          ':message': payment.messageId,
          ':now': payment.now.toISOString(),
        },
      });
    },

    async clearTaskToken(orderId, taskToken) {
      await conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'REMOVE taskToken',
        ConditionExpression: 'taskToken = :token',
        ExpressionAttributeValues: { ':token': taskToken },
        ReturnValues: 'NONE',
      });
    },

    async move(orderId, move) {
      return conditionalUpdate({ Key: { orderId }, ...statusMoveExpression(move) });
    },

    async listByUser(userId, { limit, startKey }) {
      const out = await client().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: BY_USER_INDEX,
          KeyConditionExpression: 'userId = :user',
          ExpressionAttributeValues: { ':user': userId },
          ScanIndexForward: false,
          Limit: limit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      return {
        items: (out.Items ?? []) as OrderRecord[],
        ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey as ByUserKey } : {}),
      };
    },
  };
  return repository;
}

/** The update and its condition for a status move: from the status read, with the payment guard of the target status. */
export function statusMoveExpression(move: StatusMove) {
  const conditions = ['#status = :from'];
  const values: Record<string, unknown> = { ':from': move.from, ':to': move.to, ':now': move.now.toISOString() };
  const guard = paymentGuard(move.to);
  if (guard === 'payment-succeeded') conditions.push('paymentOutcome = :succeeded');
  if (guard === 'no-successful-payment') conditions.push('(attribute_not_exists(paymentOutcome) OR paymentOutcome <> :succeeded)');
  if (guard) values[':succeeded'] = 'SUCCEEDED';
  if (move.requireNoPayment) conditions.push('attribute_not_exists(paymentEventId)');
  const sets = ['#status = :to', 'updatedAt = :now'];
  if (move.reason !== undefined) {
    sets.push('reason = :reason');
    values[':reason'] = move.reason;
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: values,
  };
}
