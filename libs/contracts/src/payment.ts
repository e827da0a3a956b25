import * as z from 'zod/mini';
import { Id } from './ids';
import { Money, ProviderMoney } from './money';

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
  /** Approves like `approve`; the first refund of the charge then fails (`refund.failed`), a second succeeds. */
  refundFailsOnce: 'pm_card_refund_fails_once',
  /** Approves like `approve`; every refund of the charge fails: after its attempts, the RefundFailed incident. */
  refundFails: 'pm_card_refund_fails',
} as const;

export const PaymentMethod = z.string().check(z.regex(/^pm_[A-Za-z0-9_]{1,64}$/, 'must be a payment method token like pm_card_approve'));

export const ProcessPaymentRequest = z.strictObject({ orderId: Id, paymentMethod: PaymentMethod });
export type ProcessPaymentRequest = z.infer<typeof ProcessPaymentRequest>;

/** PROCESSING: the provider took the charge and will confirm by webhook. */
export const PaymentStatus = z.enum(['PROCESSING', 'SUCCEEDED', 'DECLINED']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const ProcessPaymentResponse = z.object({ orderId: Id, paymentStatus: PaymentStatus, reason: z.optional(z.string()) });
export type ProcessPaymentResponse = z.infer<typeof ProcessPaymentResponse>;

/** What every provider event carries about the charge or refund it concerns. */
const ProviderEventBase = {
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  /** Unix seconds. */
  created: z.int(),
};

/** A provider webhook event, with the order reference its charge's metadata gave, read by `orderId`. */
function providerEventWith<OrderId extends z.ZodMiniType>(orderId: OrderId) {
  const money = {
    orderId,
    amount: z.int().check(z.minimum(0)),
    /** ISO 4217, in whichever case the provider writes it (Stripe writes `usd`): read in upper case, as the shop writes codes. */
    currency: z.pipe(
      z.string(),
      z.transform((code) => code.toUpperCase()),
    ),
    /** What the shop gave the charge, echoed: the order's correlation id travels here. */
    metadata: z.optional(z.record(z.string(), z.string())),
  };
  return z.discriminatedUnion('type', [
    z.object({
      ...ProviderEventBase,
      type: z.enum(['charge.succeeded', 'charge.failed']),
      data: z.object({ chargeId: z.string().check(z.minLength(1)), ...money, failureReason: z.optional(z.string()) }),
    }),
    z.object({
      ...ProviderEventBase,
      type: z.enum(['refund.succeeded', 'refund.failed']),
      data: z.object({
        refundId: z.string().check(z.minLength(1)),
        chargeId: z.string().check(z.minLength(1)),
        ...money,
        failureReason: z.optional(z.string()),
      }),
    }),
  ]);
}

/** A provider webhook event, as signed and sent by the provider: a charge's outcome, or a refund's, for one of the shop's orders. */
export const ProviderEvent = providerEventWith(Id);

/**
 * A well-formed provider event that names no order of the shop (no order id in its charge's
 * metadata, or one that is not the shop's): a charge made with the shop's key outside the checkout.
 */
export const ForeignProviderEvent = providerEventWith(z.optional(z.unknown()));
export type ForeignProviderEvent = z.infer<typeof ForeignProviderEvent>;

export type ProviderEvent = z.infer<typeof ProviderEvent>;
export type ChargeEvent = Extract<ProviderEvent, { type: 'charge.succeeded' | 'charge.failed' }>;
export type RefundEvent = Extract<ProviderEvent, { type: 'refund.succeeded' | 'refund.failed' }>;

export function isChargeEvent(event: ProviderEvent): event is ChargeEvent {
  return event.type === 'charge.succeeded' || event.type === 'charge.failed';
}

/**
 * What payment-service puts on its payment-events queue for order-service's update-order-status:
 * the verified outcome of a charge or of a refund. Every message names the charge and its money,
 * so that order-service can account for each cent on the order.
 */
export const ChargeResultMessage = z.object({
  kind: z.literal('charge'),
  providerEventId: z.string(),
  orderId: Id,
  chargeId: z.string().check(z.minLength(1)),
  outcome: z.enum(['SUCCEEDED', 'FAILED']),
  amount: Money,
  reason: z.optional(z.string()),
  correlationId: z.optional(z.string()),
});
export type ChargeResultMessage = z.infer<typeof ChargeResultMessage>;

export const RefundResultMessage = z.object({
  kind: z.literal('refund'),
  providerEventId: z.string(),
  orderId: Id,
  chargeId: z.string().check(z.minLength(1)),
  refundId: z.string().check(z.minLength(1)),
  /** FAILED only once the retries are spent: the refund is then an operator incident. */
  outcome: z.enum(['SUCCEEDED', 'FAILED']),
  amount: ProviderMoney,
  reason: z.optional(z.string()),
  correlationId: z.optional(z.string()),
});
export type RefundResultMessage = z.infer<typeof RefundResultMessage>;

export const PaymentResultMessage = z.discriminatedUnion('kind', [ChargeResultMessage, RefundResultMessage]);
export type PaymentResultMessage = z.infer<typeof PaymentResultMessage>;

/**
 * What asks payment-service (its refunds queue) to give a charge back: money taken that pays
 * nothing. Sent by order-service (the order could not take the charge) and by payment-webhook (a
 * charge that did not match the shop's). Refunded at most once per charge, however often asked.
 */
export const RefundRequest = z.object({
  orderId: Id,
  chargeId: z.string().check(z.minLength(1)),
  amount: ProviderMoney,
  /** Why, in a few words a customer may read: "order cancelled", "payment window expired", "paid twice". */
  reason: z.string().check(z.minLength(1), z.maxLength(200)),
  /** 1 for the first request; a refund that failed at the provider is asked again with the next attempt. */
  attempt: z._default(z.int().check(z.minimum(1)), 1),
  correlationId: z.optional(z.string()),
});
export type RefundRequest = z.infer<typeof RefundRequest>;

/**
 * order-service/begin-payment, which payment-service/process-payment invokes before it charges:
 * it claims the order for one charge, atomically, only while the order is AWAITING_PAYMENT, before
 * its `paymentDueAt`, with no payment outcome recorded and no other payment method's charge in
 * flight. A repeat with the same payment method is allowed: the provider's idempotency key makes
 * the repeated charge the same charge.
 */
export const BeginPaymentRequest = z.strictObject({ orderId: Id, userId: z.string().check(z.minLength(1)), paymentMethod: PaymentMethod });
export type BeginPaymentRequest = z.infer<typeof BeginPaymentRequest>;

/** begin-payment's answer when it claimed the order for this charge. */
export const PaymentClaim = z.object({
  orderId: Id,
  /** What to charge: the order's total. */
  amount: Money,
  /** The order's correlation id, for the charge's metadata. */
  correlationId: z.string(),
  paymentDueAt: z.string(),
  /**
   * When this claim was made: what releases it (release-payment-claim) when the provider refused the
   * charge without making one. Absent from a begin-payment deployed before claims could be released.
   */
  claimedAt: z.optional(z.string()),
});
export type PaymentClaim = z.infer<typeof PaymentClaim>;

/**
 * begin-payment's answer when the order's payment was already decided by the charge of a claim
 * with this very payment method (a request sent again after its answer was lost): the outcome the
 * order took from it, and that charge. Only for a paid order (or one whose success is recorded,
 * MarkPaid to come) or one that failed by that charge's decline; any other order that cannot be
 * paid is refused as before.
 */
export const PaymentDecided = z.object({
  orderId: Id,
  decided: z.object({ outcome: z.enum(['SUCCEEDED', 'FAILED']), chargeId: z.string(), reason: z.optional(z.string()) }),
});
export type PaymentDecided = z.infer<typeof PaymentDecided>;

export const BeginPaymentResponse = z.union([PaymentClaim, PaymentDecided]);
export type BeginPaymentResponse = z.infer<typeof BeginPaymentResponse>;

/**
 * order-service/release-payment-claim, which payment-service/process-payment invokes when the
 * provider refused a charge without making one (a 400: an unknown or malformed payment method): it
 * ends that claim, so another payment method may be tried at once rather than after the claim's 30
 * seconds. Only the claim made at `claimedAt` with `paymentMethod`, on the caller's order, while no
 * outcome is recorded; anything else is left as it is.
 */
export const ReleasePaymentClaimRequest = z.strictObject({
  orderId: Id,
  userId: z.string().check(z.minLength(1)),
  paymentMethod: PaymentMethod,
  claimedAt: z.string().check(z.minLength(1)),
});
export type ReleasePaymentClaimRequest = z.infer<typeof ReleasePaymentClaimRequest>;

/** Whether the claim was released (`false`: it was not the order's claim any more, or an outcome is recorded). */
export const ReleasePaymentClaimResponse = z.strictObject({ released: z.boolean() });
export type ReleasePaymentClaimResponse = z.infer<typeof ReleasePaymentClaimResponse>;

/** Why begin-payment refused (its errors' names: Lambda's `errorType`). */
export const PAYMENT_CLAIM_ERRORS = {
  /** No such order, or not the caller's. */
  orderNotFound: 'OrderNotFound',
  /** The order is not AWAITING_PAYMENT (it names its status). */
  orderNotPayable: 'OrderNotPayable',
  /** The order awaits payment, but its payment window has passed. */
  paymentWindowClosed: 'PaymentWindowClosed',
  /** A charge with another payment method is in flight, or an outcome is already recorded. */
  paymentInProgress: 'PaymentInProgress',
} as const;
