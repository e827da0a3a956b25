/**
 * The payment provider simulator: charges decided by test payment methods, and signed webhooks.
 * The local cloud starts it beside the shop; services' own tests start it on a free port.
 */
export {
  startPaymentProvider,
  type Charge,
  type ChargeStatus,
  type Ledger,
  type PaymentProvider,
  type Refund,
  type RefundStatus,
  type PaymentProviderOptions,
} from './provider-server';
export type { ProviderEvent, WebhookDelivery } from './webhook-sender';
export { signatureHeader, SIGNATURE_HEADER } from './webhook-signature';
export { DECLINE_REASON, REFUND_FAILURE_REASON } from './test-payment-methods';
