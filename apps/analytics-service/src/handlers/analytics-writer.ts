import { eventBridgeHandler } from '@shop/common';
import { parseAnyEvent } from '@shop/events';
import { dynamoMetricsStore } from '../adapters/dynamodb-metrics-store';
import { COUNTED_EVENTS, eventMetrics } from '../domain/metrics';

const metrics = dynamoMetricsStore();

/**
 * The target of the `order-events` rule. The event is checked against its schema before anything
 * is counted; one that fails (or that analytics does not know) fails the invocation, so that
 * Lambda retries it and then sends it with the reason to failed-events. Counting is one
 * transaction, idempotent by the event's id: a redelivered event counts nothing, and none counts in part.
 */
export const handler = eventBridgeHandler(
  (detail) => parseAnyEvent(COUNTED_EVENTS, detail),
  async ({ detail: envelope, log }): Promise<{ outcome: 'recorded' | 'duplicate' }> => {
    const outcome = await metrics.record(envelope.id, eventMetrics(envelope));
    log.info({ eventId: envelope.id, eventType: envelope.type, orderId: envelope.detail.orderId, outcome }, 'order event counted');
    return { outcome };
  },
);
