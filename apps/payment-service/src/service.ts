import { defineService } from '@shop/platform';
import { ProcessPaymentRequest, ProcessPaymentResponse } from '@shop/contracts';
import { PAYMENT_INCIDENTS, publishing } from '@shop/events';
import * as z from 'zod/mini';

/**
 * What payment-webhook answers the provider: `duplicate` when the event was already received;
 * `rejected` when it does not match the charge the shop made, or names no order of the shop
 * (recorded as an incident when it took money, and answered 2xx all the same, so that the provider
 * does not send it forever).
 */
export const WebhookReceipt = z.object({
  received: z.literal(true),
  duplicate: z.optional(z.literal(true)),
  rejected: z.optional(z.enum(['PAYMENT_MISMATCH', 'UNKNOWN_REFUND', 'UNKNOWN_ORDER'])),
});
export type WebhookReceipt = z.infer<typeof WebhookReceipt>;

export const service = defineService({
  name: 'payment-service',
  description:
    'Takes payment for orders: charges the payment provider, and turns its signed webhooks into messages for order-service.',
  tables: {
    payments: {
      description: 'One item per order: what it must cost (its total when the charge began), the provider charge, its status, the payment method token and the attempts it took.',
      partitionKey: { name: 'orderId', type: 'S' },
    },
    refunds: {
      description: 'One item per charge to give back: its refund at the provider, the attempt, and how it ended; a charge is refunded at most once.',
      partitionKey: { name: 'chargeId', type: 'S' },
    },
    'webhook-events': {
      description: 'Ids of provider events already received, so that a redelivered webhook does nothing; kept 7 days.',
      partitionKey: { name: 'eventId', type: 'S' },
      ttlAttribute: 'expiresAt',
    },
  },
  queues: {
    'payment-events': {
      description: "Verified charge and refund outcomes from the provider's webhooks (PaymentResultMessage), for order-service/update-order-status.",
      visibilityTimeoutSeconds: 90,
      maxReceiveCount: 5,
    },
    refunds: {
      description: 'Charges to give back (RefundRequest): from order-service through order-events, and from payment-webhook; retried attempts come back delayed.',
      visibilityTimeoutSeconds: 90,
      maxReceiveCount: 5,
    },
  },
  functions: {
    'process-payment': {
      description: "Charges the provider for an order awaiting payment; the order changes only when the provider's webhook confirms.",
      // Room for three provider attempts with backoff, within API Gateway's 30 s.
      timeoutSeconds: 15,
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/payment/process',
          auth: { kind: 'signed-in' },
          summary: "Pay for one of the caller's orders with a payment method token",
          request: { body: ProcessPaymentRequest },
          response: { status: 200, body: ProcessPaymentResponse },
          errors: [402, 404, 409, 502, 503],
        },
      ],
      permissions: {
        tables: { payments: ['UpdateItem'] },
        invokes: ['order-service/begin-payment', 'order-service/release-payment-claim'],
      },
      uses: ['paymentProvider'],
    },
    'payment-webhook': {
      description: "Receives the provider's signed charge and refund events: verifies them against what the shop asked for, queues the outcome for order-service, retries failed refunds and raises incidents.",
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/payment/webhook',
          // The provider signs the body (HMAC); there is no user and no JWT. No body schema
          // either: the handler needs the raw bytes to check the signature before parsing.
          auth: { kind: 'public' },
          summary: 'Provider webhook (HMAC-signed); 202 when queued, 200 for a duplicate',
          response: { status: 202, body: WebhookReceipt },
          // 401: a signature that does not match, or a time more than 5 minutes away.
          errors: [401, 413, 503],
        },
      ],
      permissions: {
        tables: { 'webhook-events': ['GetItem', 'PutItem'], payments: ['GetItem', 'UpdateItem'], refunds: ['GetItem', 'UpdateItem'] },
        sendsTo: ['payment-service/payment-events', 'payment-service/refunds'],
        publishes: publishing(...PAYMENT_INCIDENTS),
      },
      uses: ['paymentProvider'],
    },
    'refund-payment': {
      description: 'Gives back a charge that pays nothing: asks the provider for the refund, at most once per charge, whatever the queue redelivers.',
      timeoutSeconds: 15,
      triggers: [{ type: 'queue', queue: 'payment-service/refunds', batchSize: 5 }],
      // A refused attempt is asked again (refunds) or, once spent, reported (payment-events) and raised as an incident.
      permissions: {
        tables: { refunds: ['GetItem', 'PutItem', 'UpdateItem'] },
        sendsTo: ['payment-service/payment-events', 'payment-service/refunds'],
        publishes: publishing(...PAYMENT_INCIDENTS),
      },
      uses: ['paymentProvider'],
    },
  },
});

export type PaymentService = typeof service;
