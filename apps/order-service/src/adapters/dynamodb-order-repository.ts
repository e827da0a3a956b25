import { GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, queryPage, tableAccess, type TableAccessOptions, whenConditionHolds } from '@shop/aws';
import type { ByUserKey } from '../domain/cursor';
import type { OrderCharge } from '@shop/contracts';
import type { OrderRecord } from '../domain/order-record';
import type { OrderRepository, StatusMove } from '../domain/order-repository';
import { paymentGuard } from '../domain/transitions';

export const BY_USER_INDEX = 'by-user';

/** The orders table behind the OrderRepository port. */
export function dynamoOrderRepository(options: TableAccessOptions = {}): OrderRepository {
  const { client, tableName } = tableAccess(options, { tableName: 'orders' });

  /** An UpdateItem that answers `undefined` instead of failing when its condition does not hold. */
  async function conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName'>): Promise<OrderRecord | undefined> {
    const out = await whenConditionHolds(() => client().send(new UpdateCommand({ TableName: tableName(), ReturnValues: 'ALL_NEW', ...input })));
    return out?.Attributes as OrderRecord | undefined;
  }

  /**
   * Runs a write that sets `charges.<id>`. Orders written before the `charges` map existed lack it,
   * and DynamoDB refuses a nested path under a missing map: the map is then created, and the write
   * tried again.
   */
  async function withChargesMap<T>(orderId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isMissingDocumentPath(error)) throw error;
      await conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET charges = if_not_exists(charges, :empty)',
        ConditionExpression: 'attribute_exists(orderId)',
        ExpressionAttributeValues: { ':empty': {} },
        ReturnValues: 'NONE',
      });
      return write();
    }
  }

  /** Records a charge the order has no entry for yet; `undefined` when it has one (a repeated request). */
  function addCharge(orderId: string, chargeId: string, entry: OrderCharge): Promise<OrderRecord | undefined> {
    return withChargesMap(orderId, () =>
      conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET charges.#charge = :entry, updatedAt = :now',
        ConditionExpression: 'attribute_exists(orderId) AND attribute_not_exists(charges.#charge)',
        ExpressionAttributeNames: { '#charge': chargeId },
        ExpressionAttributeValues: { ':entry': entry, ':now': entry.at },
      }),
    );
  }

  const repository: OrderRepository = {
    async get(orderId) {
      // Strongly consistent: every decision about a status is taken on the latest one.
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { orderId }, ConsistentRead: true }));
      return out.Item as OrderRecord | undefined;
    },

    async createIfAbsent(order) {
      const created = await conditionHeld(() =>
        client().send(new PutCommand({ TableName: tableName(), Item: order, ConditionExpression: 'attribute_not_exists(orderId)' })),
      );
      if (created) return order;
      // A retry of the same checkout got here first: continue with what it wrote.
      const existing = await repository.get(order.orderId);
      if (!existing) throw new Error(`order ${order.orderId} was there and is gone`);
      return existing;
    },

    markCheckoutStarted(orderId, now) {
      return conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET checkoutStartedAt = if_not_exists(checkoutStartedAt, :now)',
        // Against the close of an unstarted order, which requires it absent: one of the two wins.
        ConditionExpression: 'attribute_exists(orderId) AND (attribute_exists(checkoutStartedAt) OR #status <> :cancelled)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':now': now.toISOString(), ':cancelled': 'CANCELLED' },
      });
    },

    async markCartCleared(orderId, now) {
      await conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET cartClearedAt = if_not_exists(cartClearedAt, :now)',
        ConditionExpression: 'attribute_exists(orderId)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
        ReturnValues: 'NONE',
      });
    },

    async awaitPayment(orderId, wait) {
      const updated = await conditionalUpdate({
        Key: { orderId },
        // A retried step keeps the first due time: a retry must not lengthen the payment window.
        UpdateExpression: 'SET #status = :awaiting, taskToken = :token, paymentDueAt = if_not_exists(paymentDueAt, :due), updatedAt = :now',
        // Once an outcome is recorded, the token that would report it must not be replaced (await-payment reports it itself).
        ConditionExpression: '#status IN (:pending, :awaiting) AND attribute_not_exists(paymentEventId)',
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

    async beginPayment(orderId, { userId, attempt, now }) {
      return conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET paymentAttempt = :attempt, updatedAt = :now',
        ConditionExpression: [
          'userId = :user AND #status = :awaiting AND paymentDueAt > :now AND attribute_not_exists(paymentEventId)',
          '(attribute_not_exists(paymentAttempt) OR paymentAttempt.paymentMethod = :method OR paymentAttempt.expiresAt < :now)',
        ].join(' AND '),
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':attempt': attempt,
          ':user': userId,
          ':awaiting': 'AWAITING_PAYMENT',
          ':method': attempt.paymentMethod,
          ':now': now.toISOString(),
        },
      });
    },

    async releasePaymentClaim(orderId, { userId, paymentMethod, startedAt, now }) {
      const released = await conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'REMOVE paymentAttempt SET updatedAt = :now',
        ConditionExpression:
          'userId = :user AND paymentAttempt.paymentMethod = :method AND paymentAttempt.startedAt = :started AND attribute_not_exists(paymentEventId)',
        ExpressionAttributeValues: { ':user': userId, ':method': paymentMethod, ':started': startedAt, ':now': now.toISOString() },
      });
      return released !== undefined;
    },

    async recordPayment(orderId, payment) {
      const succeeded = payment.outcome === 'SUCCEEDED';
      const charge: OrderCharge | undefined = succeeded && payment.amount ? { amount: payment.amount, pays: true, at: payment.now.toISOString() } : undefined;
      return withChargesMap(orderId, () =>
        conditionalUpdate({
          Key: { orderId },
          UpdateExpression: [
            'SET paymentEventId = :event, paymentOutcome = :outcome, paymentMessageId = :message, chargeId = :charge, updatedAt = :now',
            ...(charge ? ['charges.#charge = :entry'] : []),
            ...(payment.failureReason ? ['paymentFailureReason = :reason'] : []),
          ].join(', '),
          ConditionExpression: '#status = :awaiting AND attribute_not_exists(paymentEventId)',
          ExpressionAttributeNames: { '#status': 'status', ...(charge ? { '#charge': payment.chargeId } : {}) },
          ExpressionAttributeValues: {
            ':awaiting': 'AWAITING_PAYMENT',
            ':event': payment.eventId,
            ':outcome': payment.outcome,
            ':message': payment.messageId,
            ':charge': payment.chargeId,
            ':now': payment.now.toISOString(),
            ...(charge ? { ':entry': charge } : {}),
            ...(payment.failureReason ? { ':reason': payment.failureReason } : {}),
          },
        }),
      );
    },

    recordLateDecline(orderId, { eventId, chargeId, messageId, failureReason, now }) {
      return conditionalUpdate({
        Key: { orderId },
        UpdateExpression:
          'SET paymentEventId = :event, paymentOutcome = :failed, paymentMessageId = :message, chargeId = :charge, paymentFailureReason = :reason, updatedAt = :now',
        ConditionExpression: '#status IN (:cancelled, :paymentFailed) AND attribute_exists(paymentAttempt) AND attribute_not_exists(paymentEventId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':cancelled': 'CANCELLED',
          ':paymentFailed': 'PAYMENT_FAILED',
          ':event': eventId,
          ':failed': 'FAILED',
          ':message': messageId,
          ':charge': chargeId,
          ':reason': failureReason,
          ':now': now.toISOString(),
        },
      });
    },

    async recordChargeToRefund(orderId, { chargeId, amount, reason, now }) {
      const at = now.toISOString();
      return addCharge(orderId, chargeId, { amount, pays: false, refund: { status: 'PENDING', reason, requestedAt: at }, at });
    },

    async refundRecordedCharge(orderId, { chargeId, reason, now }) {
      const at = now.toISOString();
      return conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET charges.#charge.pays = :false, charges.#charge.refund = :refund, updatedAt = :now',
        ConditionExpression: 'attribute_exists(charges.#charge) AND attribute_not_exists(charges.#charge.refund)',
        ExpressionAttributeNames: { '#charge': chargeId },
        ExpressionAttributeValues: { ':false': false, ':refund': { status: 'PENDING', reason, requestedAt: at }, ':now': at },
      });
    },

    async recordRefundOutcome(orderId, { chargeId, amount, outcome, reason, now }) {
      const at = now.toISOString();
      const known = await conditionalUpdate({
        Key: { orderId },
        UpdateExpression: 'SET charges.#charge.refund.#status = :outcome, charges.#charge.refund.decidedAt = :now, updatedAt = :now',
        ConditionExpression: 'attribute_exists(charges.#charge.refund) AND charges.#charge.refund.#status <> :succeeded',
        ExpressionAttributeNames: { '#charge': chargeId, '#status': 'status' },
        ExpressionAttributeValues: { ':outcome': outcome, ':succeeded': 'SUCCEEDED', ':now': at },
      });
      if (known) return known;
      // A charge the order never took (one that did not match it, refunded by payment-service on its own): record it with its refund.
      return addCharge(orderId, chargeId, { amount, pays: false, refund: { status: outcome, reason, requestedAt: at, decidedAt: at }, at });
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

    listByUser(userId, page) {
      return queryPage<OrderRecord, ByUserKey>(
        client(),
        { TableName: tableName(), IndexName: BY_USER_INDEX, KeyConditionExpression: 'userId = :user', ExpressionAttributeValues: { ':user': userId }, ScanIndexForward: false },
        page,
        ['orderId', 'userId', 'createdAt'],
      );
    },
  };
  return repository;
}

/** The update and its condition for a status move: from the status read, with the payment guard of the target status. */
export function statusMoveExpression(move: StatusMove) {
  const conditions = ['#status = :from'];
  const values: Record<string, unknown> = { ':from': move.from, ':to': move.to, ':now': move.now.toISOString() };
  const guard = paymentGuard(move.to);
  if (guard === 'payment-succeeded') {
    conditions.push('paymentOutcome = :succeeded');
    values[':succeeded'] = 'SUCCEEDED';
  }
  if (move.requireNoPayment) conditions.push('attribute_not_exists(paymentEventId)');
  if (move.requireUnstarted) conditions.push('attribute_not_exists(checkoutStartedAt)');
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

/** DynamoDB's answer to a SET of `a.b` when `a` does not exist. */
function isMissingDocumentPath(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === 'ValidationException' && /document path/i.test(e.message ?? '');
}
