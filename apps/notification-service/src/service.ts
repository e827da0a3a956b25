import { defineService } from '@shop/platform';
import { eventsPattern, ORDER_EVENTS } from '@shop/events';

export const service = defineService({
  name: 'notification-service',
  description:
    'Tells customers what happens to their orders and their money: an e-mail for each order event, and an SMS when they gave a phone number; only to channels they verified, within hourly limits per account and, for SMS, per phone number.',
  tables: {
    'sent-notifications': {
      description: "Powertools' idempotency records, one per event and channel sent (or being sent): a redelivered event sends nothing twice. Expire after 7 days.",
      partitionKey: { name: 'id', type: 'S' },
      ttlAttribute: 'expiration',
    },
    'message-counts': {
      description:
        'Messages sent to each account per channel and clock hour, for the per-account limit (20 e-mails, 10 SMS an hour), and SMS sent to each phone number (keyed by its hash) per clock hour, for the per-number limit (10 an hour). Expire an hour after their hour.',
      partitionKey: { name: 'id', type: 'S' },
      ttlAttribute: 'expiresAt',
    },
  },
  topics: {
    notifications: {
      description: 'Order lifecycle events that customers hear about; send-notification is subscribed.',
      rules: {
        'order-lifecycle': {
          description: 'Every order event on the shop bus goes to the notifications topic.',
          pattern: eventsPattern(...ORDER_EVENTS),
        },
      },
    },
  },
  deadLetterQueues: {
    'failed-notifications': {
      description: 'Order events whose notification still failed after Lambda retried it (the event and the error), for a person to look at.',
    },
  },
  functions: {
    'send-notification': {
      description: "Renders the customer's e-mail (and SMS) for an order event and sends it to their verified channels, once per event and channel, within the account's hourly limit (and, for SMS, the number's).",
      timeoutSeconds: 15,
      triggers: [{ type: 'topic', topic: 'notification-service/notifications' }],
      asyncInvoke: { maximumRetryAttempts: 2, onFailure: 'notification-service/failed-notifications' },
      permissions: {
        // Powertools' idempotency layer gets, puts, updates and deletes its records (its documented IAM needs).
        tables: { 'sent-notifications': ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], 'message-counts': ['UpdateItem'] },
        invokes: ['user-service/get-contact'],
        messages: ['email', 'sms'],
      },
      uses: ['email'],
    },
  },
});

export type NotificationService = typeof service;
