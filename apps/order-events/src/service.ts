import { defineService } from '@shop/platform';
import { ORDER_EVENTS, publishing } from '@shop/events';

export const service = defineService({
  name: 'order-events',
  description: "The outbox of order-service: turns every status change in the orders table's stream into a domain event on the shop's event bus, and every charge it marks to be refunded into a refund request to payment-service.",
  tables: {},
  deadLetterQueues: {
    'unpublished-changes': {
      description:
        'Where in the orders stream a batch lies that still failed to publish after its retries (shard and sequence numbers), to replay from there; and, whole, each record that can make no valid event (kind: poison-record).',
    },
  },
  functions: {
    'publish-order-events': {
      description: 'Reads the orders stream in order: puts OrderCreated, OrderPaid, OrderCancelled, OrderPaymentFailed and OrderRefunded on the bus, and asks payment-service for the refunds the orders record.',
      timeoutSeconds: 30,
      triggers: [
        {
          type: 'table-stream',
          table: 'order-service/orders',
          batchSize: 25,
          startingPosition: 'TRIM_HORIZON',
          // Lambda retries from the first record the function reports; after these many, where
          // the batch lies goes to the dead-letter queue (and its alarm), and the stream moves on.
          maximumRetryAttempts: 10,
          // The function reports the first record it could not publish; splitting would reorder.
          bisectBatchOnError: false,
          onFailure: 'order-events/unpublished-changes',
        },
      ],
      permissions: { publishes: publishing(...ORDER_EVENTS), sendsTo: ['payment-service/refunds'] },
    },
  },
});

export type OrderEventsService = typeof service;
