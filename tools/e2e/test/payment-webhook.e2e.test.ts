import { createHmac, randomUUID } from 'node:crypto';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, stockOf, waitForOrder } from '../src/checkout';
import { api, cloud, dlqMessages, sendToPaymentQueue } from '../src/cloud';
import { busEvents, chargeOf, waitForPayment } from '../src/payments';

let admin: SignedInUser;

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
});

function providerEvent(orderId: string, amount: number, type: 'charge.succeeded' | 'charge.failed' = 'charge.succeeded') {
  return {
    id: `evt_${randomUUID()}`,
    type,
    created: Math.floor(Date.now() / 1000),
    data: { chargeId: `ch_${randomUUID()}`, orderId, amount, currency: 'USD' },
  };
}

function sign(body: string, secret = cloud.webhookSecret, at = Math.floor(Date.now() / 1000)): string {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
}

function deliver(body: string, signature: string) {
  return api.post('/payment/webhook', body, { headers: { 'provider-signature': signature } });
}

describe('payment webhooks', () => {
  it('changes the order once when the same webhook arrives three times', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 4, 700);
    const { orderId } = await orderAwaitingPayment(customer, product, 2);
    // The provider takes the charge but will not confirm it: the test delivers the confirmation itself,
    // for the charge the shop made, signed with the shop's secret.
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    const charge = await chargeOf(orderId);

    const body = JSON.stringify({ ...providerEvent(orderId, 1400), data: { ...providerEvent(orderId, 1400).data, chargeId: charge.id } });
    // Delivered at once, each may be queued before any is noted as handled (the webhook queues
    // first, so that it never loses one): each is acknowledged, and the order changes once.
    const deliveries = await Promise.all([1, 2, 3].map(() => deliver(body, sign(body))));
    for (const delivery of deliveries) expect([200, 202]).toContain(delivery.status);

    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');
    const paidOnce = { status: 'CHARGED', charged: { amount: 1400, currency: 'USD' }, refunded: { amount: 0, currency: 'USD' } };
    expect((await waitForPayment(customer, orderId, 'CHARGED')).payment).toEqual(paidOnce);
    await expect.poll(async () => (await busEvents('OrderPaid', orderId)).length, { timeout: 15_000 }).toBe(1);
    expect(await stockOf(api, product)).toBe(2);
    // A fourth, late delivery changes nothing either.
    expect((await deliver(body, sign(body))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await customer.api.get(`/orders/${orderId}`)).body.payment).toEqual(paidOnce);
    expect(await busEvents('OrderPaid', orderId)).toHaveLength(1);
    expect(await stockOf(api, product)).toBe(2);
  });

  it('refuses forged, replayed and stale webhooks with 401 and changes nothing', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 3);
    const { orderId } = await orderAwaitingPayment(customer, product);
    // A charge of the shop's is under way, so that an event that got through would pay the order.
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    const charge = await chargeOf(orderId);
    const event = providerEvent(orderId, charge.amount);
    const body = JSON.stringify({ ...event, data: { ...event.data, chargeId: charge.id } });

    const forged = await deliver(body, sign(body, 'not-the-secret'));
    const tampered = await deliver(body.replace('charge.succeeded', 'charge.failed'), sign(body));
    const stale = await deliver(body, sign(body, cloud.webhookSecret, Math.floor(Date.now() / 1000) - 3600));
    const unsigned = await api.post('/payment/webhook', body);
    for (const answer of [forged, tampered, stale, unsigned]) expect(answer.status).toBe(401);

    await new Promise((r) => setTimeout(r, 1500));
    const order = (await customer.api.get(`/orders/${orderId}`)).body;
    expect(order.status).toBe('AWAITING_PAYMENT');
    expect(order.payment).toMatchObject({ status: 'PROCESSING', charged: { amount: 0 } });
    expect(await stockOf(api, product)).toBe(2);
    // The same event, signed with the shop's secret, pays the order: what was refused above was the signature alone.
    expect((await deliver(body, sign(body))).status).toBe(202);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');
  });

  it('sends a poison message to the dead-letter queue while its batch-mates succeed', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 3);
    const { orderId } = await orderAwaitingPayment(customer, product);
    const poison = `poison-${randomUUID()}`;

    await sendToPaymentQueue([
      JSON.stringify({
        kind: 'charge',
        providerEventId: `evt_${randomUUID()}`,
        orderId,
        chargeId: `ch_${randomUUID()}`,
        outcome: 'SUCCEEDED',
        amount: { amount: 1500, currency: 'USD' },
        correlationId: 'e2e-poison',
      }),
      poison,
    ]);

    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');
    await expect.poll(async () => (await dlqMessages()).includes(poison), { timeout: 60_000, interval: 1000 }).toBe(true);
  }, 90_000);
});
