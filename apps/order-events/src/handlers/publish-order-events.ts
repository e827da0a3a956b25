import { unmarshall } from '@aws-sdk/util-dynamodb';
import { logger } from '@shop/common';
import type { EventEnvelope } from '@shop/events';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgePublisher } from '../adapters/eventbridge-publisher';
import { eventForChange, type OrderChange } from '../domain/order-change';

const bus = eventBridgePublisher();

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
 * The orders table's stream, in order per shard: each status change becomes its domain event on
 * the bus. The answer names the first record whose event did not get onto the bus (or that cannot
 * make a valid event): Lambda retries from there, so nothing after a failure is skipped, and what
 * keeps failing ends in the dead-letter queue with where it lies. A record retried after its event
 * was published publishes it again under the same id; consumers, idempotent by id, act once.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const pending: { record: DynamoDBRecord; envelope: EventEnvelope }[] = [];
  let firstFailed: DynamoDBRecord | undefined;
  for (const record of event.Records) {
    try {
      const envelope = eventForChange(change(record));
      if (envelope) pending.push({ record, envelope });
    } catch (error) {
      logger.error({ err: error, sequenceNumber: record.dynamodb?.SequenceNumber }, 'order change cannot make a valid event');
      firstFailed = record;
      break;
    }
  }

  const outcome = await bus.publish(pending.map((p) => p.envelope));
  const published = new Set(outcome.published);
  for (const { envelope } of pending) {
    if (published.has(envelope.id)) {
      logger.info({ eventId: envelope.id, type: envelope.type, orderId: (envelope.detail as { orderId?: string }).orderId, correlationId: envelope.correlationId }, 'event published');
    }
  }
  for (const failure of outcome.failed) logger.warn({ eventId: failure.id, reason: failure.reason }, 'event not published');

  const unpublished = pending.find((p) => !published.has(p.envelope.id));
  const retryFrom = unpublished?.record ?? firstFailed;
  const sequenceNumber = retryFrom?.dynamodb?.SequenceNumber;
  return { batchItemFailures: sequenceNumber ? [{ itemIdentifier: sequenceNumber }] : [] };
};
