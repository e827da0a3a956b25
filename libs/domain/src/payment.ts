import * as z from 'zod';
import { Id } from './ids';

/**
 * Payment methods are tokens from the provider's checkout form, never card numbers. The
 * provider simulator's test tokens decide the outcome, as real providers' test cards do.
 */
export const TEST_PAYMENT_METHODS = {
  approve: 'pm_card_approve',
  decline: 'pm_card_decline',
  /** The provider answers 5xx once, then approves the retried charge. */
  errorThenApprove: 'pm_card_error_then_approve',
  /** The provider accepts the charge and never confirms it: the payment window expires. */
  noAnswer: 'pm_card_no_answer',
} as const;

export const PaymentMethod = z.string().regex(/^pm_[A-Za-z0-9_]{1,64}$/, 'must be a payment method token like pm_card_approve');

export const ProcessPaymentRequest = z.strictObject({ orderId: Id, paymentMethod: PaymentMethod });
export type ProcessPaymentRequest = z.infer<typeof ProcessPaymentRequest>;

/** PROCESSING: the provider took the charge and will confirm by webhook. */
export const PaymentStatus = z.enum(['PROCESSING', 'SUCCEEDED', 'DECLINED']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const ProcessPaymentResponse = z.object({ orderId: Id, paymentStatus: PaymentStatus, reason: z.string().optional() });
export type ProcessPaymentResponse = z.infer<typeof ProcessPaymentResponse>;

/** A provider webhook event, as signed and sent by the provider. */
export const ProviderEvent = z.object({
  id: z.string().min(1).max(128),
  type: z.enum(['charge.succeeded', 'charge.failed']),
  created: z.int(),
  data: z.object({
    chargeId: z.string().min(1),
    orderId: Id,
    amount: z.int().min(0),
    currency: z.string(),
    failureReason: z.string().optional(),
    /** What the shop gave the charge, echoed: the order's correlation id travels here. */
    metadata: z.record(z.string(), z.string()).optional(),
  }),
});
export type ProviderEvent = z.infer<typeof ProviderEvent>;

/** What payment-webhook puts on the queue for order-service's update-order-status. */
export const PaymentResultMessage = z.object({
  providerEventId: z.string(),
  orderId: Id,
  outcome: z.enum(['SUCCEEDED', 'FAILED']),
  reason: z.string().optional(),
  correlationId: z.string().optional(),
});
export type PaymentResultMessage = z.infer<typeof PaymentResultMessage>;
