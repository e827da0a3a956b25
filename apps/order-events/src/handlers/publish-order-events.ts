import { unmarshall } from '@aws-sdk/util-dynamodb';
import { eventBridgePublisher } from '@shop/aws';
import { metrics, streamHandler } from '@shop/common';
import type { DynamoDBRecord } from 'aws-lambda';
import { sqsRefundRequests } from '../adapters/sqs-refund-requests';
import { sqsPoisonRecords } from '../adapters/sqs-unpublished-changes';
import { effectsOfChange, type OrderChange } from '../domain/order-change';

const bus = eventBridgePublisher();
const refundRequests = sqsRefundRequests();
const poisonRecords = sqsPoisonRecords();

type Image = Parameters<typeof unmarshall>[0];

function orderChange(record: DynamoDBRecord): OrderChange {
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
 * retries from there, so nothing after a failure is skipped while it is retried; after 10 retries
 * the dead-letter queue gets where the rest of the batch lies, for a person to replay it. A record retried after its effects went out sends them
 * again: events under the same ids, refund requests for the same charges; both consumers act once.
 * The checkout's metrics (OrdersPlaced, OrdersPaid, …) are counted here, once a record is done.
 * A record that cannot make a valid event is poison: it is kept whole in the dead-letter queue and
 * the batch goes on past it (if it cannot be kept, the batch stops before it and it is retried).
 */
export const handler = streamHandler(
  (record) => effectsOfChange(orderChange(record as DynamoDBRecord)),
  async (items) => {
    const outcome = await bus.publish(items.flatMap((item) => item.change.events));
    const published = new Set(outcome.published);
    const itemOf = (eventId: string) => items.find((item) => item.change.events.some((e) => e.id === eventId));
    for (const { change: effects, log } of items) {
      for (const envelope of effects.events) {
        if (published.has(envelope.id)) log.info({ eventId: envelope.id, type: envelope.type, orderId: (envelope.detail as { orderId?: string }).orderId }, 'event published');
      }
    }
    for (const failure of outcome.failed) itemOf(failure.id)?.log.warn({ eventId: failure.id, reason: failure.reason }, 'event not published');

    // Refund requests go out in stream order, and stop at the first that fails, and at the first
    // record whose events did not all go out: Lambda retries from that record, and whatever comes
    // after it comes again, its refund requests with it.
    const unpublished = items.find((item) => item.change.events.some((e) => !published.has(e.id)));
    const requestable = unpublished ? items.slice(0, items.indexOf(unpublished)) : items;
    let refundsFailedAt: (typeof items)[number] | undefined;
    sending: for (const item of requestable) {
      for (const request of item.change.refunds) {
        try {
          await refundRequests.send(request);
          item.log.info({ orderId: request.orderId, chargeId: request.chargeId, amount: request.amount, reason: request.reason }, 'refund requested');
        } catch (error) {
          item.log.warn({ err: error, orderId: request.orderId, chargeId: request.chargeId }, 'refund request not sent');
          refundsFailedAt = item;
          break sending;
        }
      }
    }

    const retryFrom = [unpublished, refundsFailedAt]
      .filter((item) => item !== undefined)
      .sort((a, b) => items.indexOf(a) - items.indexOf(b))[0];

    // The checkout's metrics, counted for the records before the one Lambda retries from: those are
    // done and do not come again, the rest come again and are counted then. A batch that fails whole
    // (the bus unreachable) counts nothing. Written before the answer, in one line.
    const done = retryFrom ? items.indexOf(retryFrom) : items.length;
    for (const item of items.slice(0, done)) for (const value of item.change.metrics) metrics.add(value);
    metrics.flush();
    return { retryFrom };
  },
  {
    // A change's events and refund requests carry the order's correlation id.
    correlationId: (effects) => effects.events[0]?.correlationId ?? effects.refunds[0]?.correlationId,
    // A record that cannot make a valid event is kept whole in the dead-letter queue (alarmed), and the
    // batch goes on: retried, it would hold back every order after it, and, past the retries, take
    // the rest of its batch (other orders' events and refund requests) down with it.
    onPoison: (record, error) => poisonRecords.keep(record as DynamoDBRecord, error),
  },
);
