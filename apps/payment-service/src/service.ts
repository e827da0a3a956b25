import { defineService } from '@shop/common';
import { ProcessPaymentRequest, ProcessPaymentResponse } from '@shop/domain';
import * as z from 'zod';

/** What payment-webhook answers the provider; `duplicate` when the event was already received. */
export const WebhookReceipt = z.object({ received: z.literal(true), duplicate: z.literal(true).optional() });
export type WebhookReceipt = z.infer<typeof WebhookReceipt>;

export const service = defineService({
  name: 'payment-service',
  description:
    'Takes payment for orders: charges the payment provider, and turns its signed webhooks into messages for order-service.',
  tables: {
    payments: {
      description: 'One item per order: the provider charge, its status, the payment method token and the attempts it took.',
      partitionKey: { name: 'orderId', type: 'S' },
    },
    'webhook-events': {
      description: 'Ids of provider events already received, so that a redelivered webhook does nothing; kept 7 days.',
      partitionKey: { name: 'eventId', type: 'S' },
      ttlAttribute: 'expiresAt',
    },
  },
  queues: {
    'payment-events': {
      description: "Payment outcomes from the provider's webhooks (PaymentResultMessage), for order-service/update-order-status.",
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 3,
    },
  },
  functions: {
    'process-payment': {
      description: "Charges the provider for an order awaiting payment; the order changes only when the provider's webhook confirms.",
      memoryMb: 256,
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
          errors: [402, 404, 409, 502],
        },
      ],
      permissions: {
        tables: { payments: 'write' },
        foreignTables: { 'order-service/orders': 'read' },
      },
      uses: ['paymentProvider'],
    },
    'payment-webhook': {
      description: 'Receives the provider\'s signed charge events: verifies, drops duplicates, and queues the outcome for order-service.',
      memoryMb: 256,
      timeoutSeconds: 10,
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
          errors: [413],
        },
      ],
      permissions: {
        tables: { 'webhook-events': 'write', payments: 'write' },
        sendsTo: ['payment-service/payment-events'],
      },
      uses: ['paymentProvider'],
    },
  },
});

export type PaymentService = typeof service;
