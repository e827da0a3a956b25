import type { ChargeEvent, ChargeResultMessage, Money, PaymentStatus } from '@shop/contracts';

/**
 * A payment as the `payments` table holds it: one item per order. `amount` is what the order costs,
 * written before the provider is asked, so that a webhook can be checked against it whenever it
 * comes; `chargeId` is the charge the shop made, once known. The payment method is not kept: nothing
 * here needs it, and the provider's charge names it. `lastEventAt` is the `created` time of the last
 * provider event applied, so that an older event cannot overwrite a newer one. (Items written before
 * the method stopped being kept still carry a `paymentMethod`, which nothing reads.)
 */
export interface PaymentRecord {
  orderId: string;
  amount: Money;
  chargeId?: string;
  /** Absent until the provider answered the charge (or its webhook came first). */
  status?: PaymentStatus;
  /** Requests made to the provider for this order, retries included. */
  attempts?: number;
  reason?: string;
  lastEventId?: string;
  lastEventAt?: number;
  createdAt: string;
  updatedAt: string;
}

/** What the provider said when it took a charge. */
export interface ChargeOutcome {
  chargeId: string;
  status: 'pending' | 'declined';
  failureReason?: string;
}

/** A charge in work is PROCESSING until its webhook says otherwise. */
export function statusOfCharge(charge: ChargeOutcome): PaymentStatus {
  return charge.status === 'declined' ? 'DECLINED' : 'PROCESSING';
}

/** A failed charge carries a reason for order-service to record; the provider's, or a general one. */
export const DEFAULT_FAILURE_REASON = 'payment_failed';

export function statusOfEvent(event: ChargeEvent): PaymentStatus {
  return event.type === 'charge.succeeded' ? 'SUCCEEDED' : 'DECLINED';
}

/** The queue message for order-service's update-order-status, from a verified charge event. */
export function chargeResultMessage(event: ChargeEvent, amount: Money, correlationId: string): ChargeResultMessage {
  const succeeded = event.type === 'charge.succeeded';
  return {
    kind: 'charge',
    providerEventId: event.id,
    orderId: event.data.orderId,
    chargeId: event.data.chargeId,
    outcome: succeeded ? 'SUCCEEDED' : 'FAILED',
    amount,
    ...(succeeded ? {} : { reason: event.data.failureReason ?? DEFAULT_FAILURE_REASON }),
    correlationId,
  };
}
