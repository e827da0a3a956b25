import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, tableAccess, type TableAccessOptions, whenConditionHolds } from '@shop/aws';
import type { RefundRequest } from '@shop/contracts';
import type { RefundRecord } from '../domain/refund-record';

export interface RefundRepository {
  get(chargeId: string): Promise<RefundRecord | undefined>;
  /**
   * The refund of a charge as it stands after this request: written REQUESTED when the charge has
   * none yet; moved on to this request's attempt when the charge's last attempt FAILED and this is
   * the next one; otherwise left as it is. A charge has one refund record, whoever asks.
   */
  open(request: RefundRequest, now: Date): Promise<RefundRecord>;
  /** The provider took this attempt: PENDING with its id (only from REQUESTED of the same attempt). */
  markPending(chargeId: string, attempt: number, refundId: string, now: Date): Promise<boolean>;
  /** This attempt was refused outright by the provider: REQUESTED → FAILED (only from REQUESTED of the same attempt). */
  refuse(chargeId: string, attempt: number, failureReason: string, now: Date): Promise<boolean>;
  /**
   * The provider's word on a refund: the record of the charge must be at that refund (or at its
   * attempt, REQUESTED, before its id was noted) and not decided already. `undefined` when it changed nothing.
   */
  decide(chargeId: string, outcome: { refundId: string; attempt: number; status: 'SUCCEEDED' | 'FAILED'; failureReason?: string; now: Date }): Promise<RefundRecord | undefined>;
  /**
   * The provider has given all of the charge back, by `refundId` or together with other refunds:
   * SUCCEEDED whatever the attempt was at. `false` when it was SUCCEEDED already (or is not there).
   */
  settle(chargeId: string, outcome: { refundId: string; now: Date }): Promise<boolean>;
}

/** The refunds table (pk chargeId): one item per charge to give back. */
export function dynamoRefundRepository(options: TableAccessOptions = {}): RefundRepository {
  const { client, tableName } = tableAccess(options, { tableName: 'refunds' });

  /** Moves this attempt's refund on from REQUESTED: `false` when it is not there (another attempt's, or moved on already). */
  const moveFromRequested = (chargeId: string, attempt: number, set: string, values: Record<string, unknown>) =>
    conditionHeld(() =>
      client().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { chargeId },
          UpdateExpression: `SET ${set}, updatedAt = :now`,
          ConditionExpression: '#status = :requested AND attempt = :attempt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':requested': 'REQUESTED', ':attempt': attempt, ...values },
        }),
      ),
    );

  const repository: RefundRepository = {
    async get(chargeId) {
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { chargeId }, ConsistentRead: true }));
      return out.Item as RefundRecord | undefined;
    },

    async open(request, now) {
      const timestamp = now.toISOString();
      const fresh: RefundRecord = {
        chargeId: request.chargeId,
        orderId: request.orderId,
        amount: request.amount,
        reason: request.reason,
        attempt: request.attempt,
        status: 'REQUESTED',
        ...(request.correlationId && { correlationId: request.correlationId }),
        createdAt: timestamp,
        updatedAt: timestamp,
      };
      if (await conditionHeld(() => client().send(new PutCommand({ TableName: tableName(), Item: fresh, ConditionExpression: 'attribute_not_exists(chargeId)' })))) {
        return fresh;
      }
      const retried = await whenConditionHolds(() =>
        client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { chargeId: request.chargeId },
            UpdateExpression: 'SET attempt = :attempt, #status = :requested, updatedAt = :now REMOVE refundId, failureReason',
            ConditionExpression: '#status = :failed AND attempt = :previous',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':attempt': request.attempt, ':previous': request.attempt - 1, ':requested': 'REQUESTED', ':failed': 'FAILED', ':now': timestamp },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      if (retried) return retried.Attributes as RefundRecord;
      const current = await repository.get(request.chargeId);
      if (!current) throw new Error(`the refund of charge ${request.chargeId} was there and is gone`);
      return current;
    },

    markPending(chargeId, attempt, refundId, now) {
      return moveFromRequested(chargeId, attempt, '#status = :pending, refundId = :refundId', { ':pending': 'PENDING', ':refundId': refundId, ':now': now.toISOString() });
    },

    refuse(chargeId, attempt, failureReason, now) {
      return moveFromRequested(chargeId, attempt, '#status = :failed, failureReason = :reason', { ':failed': 'FAILED', ':reason': failureReason, ':now': now.toISOString() });
    },

    async decide(chargeId, { refundId, attempt, status, failureReason, now }) {
      const out = await whenConditionHolds(() =>
        client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { chargeId },
            UpdateExpression: `SET #status = :status, refundId = :refundId, updatedAt = :now${failureReason ? ', failureReason = :reason' : ''}`,
            // The webhook may overtake refund-payment's note of the refund id: REQUESTED is this attempt too.
            ConditionExpression:
              '(refundId = :refundId OR (#status = :requested AND attribute_not_exists(refundId) AND attempt = :attempt)) AND #status <> :succeeded AND #status <> :failed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': status,
              ':refundId': refundId,
              ':attempt': attempt,
              ':requested': 'REQUESTED',
              ':succeeded': 'SUCCEEDED',
              ':failed': 'FAILED',
              ':now': now.toISOString(),
              ...(failureReason ? { ':reason': failureReason } : {}),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return out?.Attributes as RefundRecord | undefined;
    },

    settle(chargeId, { refundId, now }) {
      return conditionHeld(() =>
        client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { chargeId },
            UpdateExpression: 'SET #status = :succeeded, refundId = :refundId, updatedAt = :now REMOVE failureReason',
            ConditionExpression: 'attribute_exists(chargeId) AND #status <> :succeeded',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':succeeded': 'SUCCEEDED', ':refundId': refundId, ':now': now.toISOString() },
          }),
        ),
      );
    },
  };
  return repository;
}
