import type { ChargeEvent, Money } from '@shop/contracts';
import type { PaymentRecord } from './payment-record';

export type ChargeVerification =
  | { ok: true; amount: Money; /** The event names the charge before process-payment recorded it: adopt its id. */ adoptChargeId: boolean }
  | { ok: false; problems: string[] };

/**
 * Does a signed charge event describe the charge the shop made for its order? The signature proves
 * the provider sent it, not that it is about our charge: a charge made outside the checkout (a
 * leaked key, a provider fault) must never pay an order. The event must name an order the shop
 * began a payment for, for exactly its amount and currency, and the charge the shop recorded (or,
 * when the webhook overtook process-payment's record of it, a charge not recorded yet).
 */
export function verifyChargeEvent(record: PaymentRecord | undefined, event: ChargeEvent): ChargeVerification {
  if (!record) return { ok: false, problems: [`no payment was begun for order ${event.data.orderId}`] };
  const problems: string[] = [];
  if (event.data.amount !== record.amount.amount) problems.push(`amount ${event.data.amount} is not the order's ${record.amount.amount}`);
  if (event.data.currency !== record.amount.currency) problems.push(`currency ${event.data.currency} is not the order's ${record.amount.currency}`);
  if (record.chargeId !== undefined && record.chargeId !== event.data.chargeId) {
    problems.push(`charge ${event.data.chargeId} is not the charge ${record.chargeId} the shop made`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, amount: record.amount, adoptChargeId: record.chargeId === undefined };
}
