import { createHmac, randomUUID } from 'node:crypto';
import type { SignedInUser } from '@shop/testing';
import { expect } from 'vitest';
import { api, cloud } from './cloud';

/** A charge as the provider simulator shows it (GET /_local/payments). */
export interface ProviderCharge {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  status: 'pending' | 'succeeded' | 'declined';
  refunds: { id: string; amount: number; status: 'pending' | 'succeeded' | 'failed'; idempotencyKey: string; metadata: Record<string, string>; byHand?: boolean }[];
  webhooks: { event: { id: string; type: string; data: Record<string, unknown> }; state: string; attempts: number }[];
}

export interface ProviderLedger {
  charged: Record<string, number>;
  refunded: Record<string, number>;
  refundsPending: number;
}

/** What the provider holds for an order: every charge, with its refunds and the webhooks it sent. */
export async function providerCharges(orderId?: string): Promise<{ charges: ProviderCharge[]; ledger: ProviderLedger }> {
  const res = await api.get(`/_local/payments${orderId ? `?orderId=${orderId}` : ''}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** The one charge the provider took for an order, once it exists. */
export async function chargeOf(orderId: string): Promise<ProviderCharge> {
  await expect.poll(async () => (await providerCharges(orderId)).charges.length, { timeout: 15_000 }).toBeGreaterThan(0);
  const [charge] = (await providerCharges(orderId)).charges;
  return charge as ProviderCharge;
}

/** The provider decides a pending charge now and sends its webhook: a late confirmation. */
export async function settleCharge(chargeId: string): Promise<void> {
  expect((await api.post(`/_local/payments/charges/${chargeId}/settle`, {})).status).toBe(202);
}

/** An operator refunds a charge in the provider's dashboard, all that is left or `amount`; it succeeds. Answers the refund's id. */
export async function refundByHand(chargeId: string, amount?: number): Promise<string> {
  const res = await api.post(`/_local/payments/charges/${chargeId}/refunds`, amount === undefined ? {} : { amount });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { id: string }).id;
}

/** A refund that succeeded fails after all (a closed card account): the provider sends `refund.failed`. */
export async function failRefundAfterItSucceeded(refundId: string): Promise<void> {
  const res = await api.post(`/_local/payments/refunds/${refundId}/fail`);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

/** The provider sends a webhook event again: a duplicate, or an old event out of order. */
export async function redeliverWebhook(eventId: string): Promise<void> {
  expect((await api.post(`/_local/payments/events/${eventId}/redeliver`, {})).status).toBe(202);
}

/**
 * A charge the shop did not make, made with the shop's own key straight at the provider (a leaked
 * key, a provider fault): the provider confirms it with a genuine signed webhook, as for any other.
 */
export async function strayCharge(orderId: string, amount: { amount: number; currency: string }, paymentMethod = 'pm_card_approve'): Promise<string> {
  const res = await fetch(`${cloud.paymentProviderUrl}/v1/charges`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cloud.paymentProviderApiKey}`, 'content-type': 'application/json', 'idempotency-key': `stray-${randomUUID()}` },
    body: JSON.stringify({ ...amount, paymentMethod, metadata: { orderId } }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

/** A webhook signed with the shop's secret, as the provider signs them. */
export function signedWebhook(event: object, at = Math.floor(Date.now() / 1000)): { body: string; signature: string } {
  const body = JSON.stringify(event);
  return { body, signature: `t=${at},v1=${createHmac('sha256', cloud.webhookSecret).update(`${at}.${body}`).digest('hex')}` };
}

export function deliverWebhook(event: object) {
  const { body, signature } = signedWebhook(event);
  return api.post('/payment/webhook', body, { headers: { 'provider-signature': signature } });
}

/** The provider's signed word that a charge of `amount` US cents for the order was declined (`card_declined`). */
export function deliverDecline(chargeId: string, orderId: string, amount: number) {
  return deliverWebhook({
    id: `evt_${randomUUID()}`,
    type: 'charge.failed',
    created: Math.floor(Date.now() / 1000),
    data: { chargeId, orderId, amount, currency: 'USD', failureReason: 'card_declined' },
  });
}

/** The order's money as the API answers it. */
export interface OrderPayment {
  status: string;
  charged: { amount: number; currency: string };
  refunded: { amount: number; currency: string };
  otherCurrencies?: { charged: { amount: number; currency: string }; refunded: { amount: number; currency: string } }[];
}

/** Polls the order until its `payment` is in `status`, and answers the order. */
export async function waitForPayment(customer: SignedInUser, orderId: string, status: string, timeoutMs = 30_000) {
  let last: unknown;
  await expect
    .poll(
      async () => {
        const res = await customer.api.get(`/orders/${orderId}`);
        last = res.body;
        return (res.body as { payment?: OrderPayment }).payment?.status;
      },
      { timeout: timeoutMs, interval: 500 },
    )
    .toBe(status);
  return last as { status: string; reason?: string; total: { amount: number; currency: string }; payment: OrderPayment };
}

/** The incidents (or any events) the bus took for an order, by type. */
export async function busEvents(detailType: string, orderId: string): Promise<{ detail: { detail: Record<string, unknown> } }[]> {
  const res = await api.get(`/_local/events?detailType=${detailType}`);
  expect(res.status).toBe(200);
  return (res.body.events as { event: { detail: { detail: Record<string, unknown> } } }[])
    .map((e) => e.event)
    .filter((e) => e.detail.detail['orderId'] === orderId);
}
