import { unmarshall } from '@aws-sdk/util-dynamodb';
import { eventBridgePublisher } from '@shop/aws';
import { logger } from '@shop/common';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { sqsRefundRequests } from '../adapters/sqs-refund-requests';
import { type ChangeEffects, effectsOfChange, type OrderChange } from '../domain/order-change';

const bus = eventBridgePublisher();
const refundRequests = sqsRefundRequests();

type Image = Parameters<typeof unmarshall>[0];

function change(record: DynamoDBRecord): OrderChange {
  const { OldImage, NewImage } = record.dynamodb ?? {};
  return {
    eventName: record.eventName ?? 'MODIFY',
    ...(OldImage && { oldImage: unmarshall(OldImage as Image) }),
    ...(NewImage && { newImage: unmarshall(NewImage as Image) }),
  };
}

/**
 * The orders table's stream, in order per shard: the outbox of order-service. Each status change
 * becomes its domain event on the bus, each charge marked to be refunded becomes a refund request
 * to payment-service, and each refund recorded as done an OrderRefunded event. The answer names the
 * first record whose effects did not all get through (or that cannot make a valid event): Lambda
 * retries from there, so nothing after a failure is skipped, and what keeps failing ends in the
 * dead-letter queue with where it lies. A record retried after its effects went out sends them
 * again: events under the same ids, refund requests for the same charges; both consumers act once.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const pending: { record: DynamoDBRecord; effects: ChangeEffects }[] = [];
  let firstFailed: DynamoDBRecord | undefined;
  for (const record of event.Records) {
    try {
      const effects = effectsOfChange(change(record));
      if (effects.events.length > 0 || effects.refunds.length > 0) pending.push({ record, effects });
    } catch (error) {
      logger.error({ err: error, sequenceNumber: record.dynamodb?.SequenceNumber }, 'order change cannot make a valid event');
      firstFailed = record;
      break;
    }
  }

  const outcome = await bus.publish(pending.flatMap((p) => p.effects.events));
  const published = new Set(outcome.published);
  for (const envelope of pending.flatMap((p) => p.effects.events)) {
    if (published.has(envelope.id)) {
      logger.info({ eventId: envelope.id, type: envelope.type, orderId: (envelope.detail as { orderId?: string }).orderId, correlationId: envelope.correlationId }, 'event published');
    }
  }
  for (const failure of outcome.failed) logger.warn({ eventId: failure.id, reason: failure.reason }, 'event not published');

  // Refund requests go out in stream order, and stop at the first that fails.
  let refundsFailedAt: DynamoDBRecord | undefined;
  for (const { record, effects } of pending) {
    if (refundsFailedAt) break;
    for (const request of effects.refunds) {
      try {
        await refundRequests.send(request);
        logger.info({ orderId: request.orderId, chargeId: request.chargeId, amount: request.amount, reason: request.reason, correlationId: request.correlationId }, 'refund requested');
      } catch (error) {
        logger.warn({ err: error, orderId: request.orderId, chargeId: request.chargeId }, 'refund request not sent');
        refundsFailedAt = record;
        break;
      }
    }
  }

  const unpublished = pending.find((p) => p.effects.events.some((e) => !published.has(e.id)))?.record;
  const retryFrom = [unpublished, refundsFailedAt, firstFailed]
    .filter((r): r is DynamoDBRecord => r !== undefined)
    .sort((a, b) => event.Records.indexOf(a) - event.Records.indexOf(b))[0];
  const sequenceNumber = retryFrom?.dynamodb?.SequenceNumber;
  return { batchItemFailures: sequenceNumber ? [{ itemIdentifier: sequenceNumber }] : [] };
};
