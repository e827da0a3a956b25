import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, stockOf, waitForOrder } from '../src/checkout';
import { api, clearFaults, cloud, injectFaults, setAttributes } from '../src/cloud';
import {
  busEvents,
  chargeOf,
  deliverDecline,
  deliverWebhook,
  failRefundAfterItSucceeded,
  providerCharges,
  redeliverWebhook,
  refundByHand,
  settleCharge,
  strayCharge,
  waitForPayment,
} from '../src/payments';

/*
 * Money is an invariant, not a feature (docs/payments.md): every cent the provider took either
 * pays an order or goes back, and the customer is told which. Each test makes one of the ways it
 * could go wrong happen, through the real provider simulator and its genuine signed webhooks.
 */

let admin: SignedInUser;
beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
});

const USD = (amount: number) => ({ amount, currency: 'USD' });

describe('money that cannot pay its order goes back', () => {
  it('cancel while the charge is in flight: the order is CANCELLED, the charge that then succeeds is refunded once, and the order says so', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 3, 1250);
    const { orderId } = await orderAwaitingPayment(customer, product, 2);
    // The provider takes the charge and has not confirmed it yet.
    const paid = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    expect(paid.body.paymentStatus).toBe('PROCESSING');
    expect((await customer.api.get(`/orders/${orderId}`)).body.payment).toEqual({ status: 'PROCESSING', charged: USD(0), refunded: USD(0) });

    const cancelled = await customer.api.post(`/orders/${orderId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('CANCELLED');

    // Now the provider's success arrives.
    const charge = await chargeOf(orderId);
    await settleCharge(charge.id);
    const order = await waitForPayment(customer, orderId, 'REFUNDED');
    expect(order.status).toBe('CANCELLED');
    expect(order.payment).toEqual({ status: 'REFUNDED', charged: USD(2500), refunded: USD(2500) });
    const [atProvider] = (await providerCharges(orderId)).charges;
    expect(atProvider?.refunds.map((r) => [r.amount, r.status])).toEqual([[2500, 'succeeded']]);
    await expect.poll(async () => (await busEvents('OrderRefunded', orderId)).length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => stockOf(api, product), { timeout: 15_000 }).toBe(3);

    // The same success delivered again, later, changes nothing: still one refund.
    await redeliverWebhook(atProvider?.webhooks.find((w) => w.event.type === 'charge.succeeded')?.event.id ?? '');
    await new Promise((r) => setTimeout(r, 2000));
    expect((await providerCharges(orderId)).charges[0]?.refunds).toHaveLength(1);
    expect((await customer.api.get(`/orders/${orderId}`)).body.payment).toEqual({ status: 'REFUNDED', charged: USD(2500), refunded: USD(2500) });
  }, 60_000);

  it('cancel while the charge is in flight, then the provider declines it: the order’s payment reads DECLINED, not PROCESSING for good', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 3, 700);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    expect((await customer.api.post(`/orders/${orderId}/cancel`)).status).toBe(200);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('CANCELLED');

    const charge = await chargeOf(orderId);
    const declined = await deliverDecline(charge.id, orderId, 700);
    expect(declined.status).toBe(202);
    const order = await waitForPayment(customer, orderId, 'DECLINED');
    expect(order).toMatchObject({ status: 'CANCELLED', payment: { status: 'DECLINED', charged: USD(0), refunded: USD(0) } });
  }, 30_000);

  it('a refund that succeeded fails afterwards (the card’s account closed): the RefundFailed incident names the money held again', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 900);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    expect((await customer.api.post(`/orders/${orderId}/cancel`)).status).toBe(200);
    await settleCharge((await chargeOf(orderId)).id);
    await waitForPayment(customer, orderId, 'REFUNDED');
    const [refund] = (await providerCharges(orderId)).charges[0]?.refunds ?? [];
    expect(refund?.status).toBe('succeeded');

    await failRefundAfterItSucceeded(refund!.id);

    await expect
      .poll(async () => (await busEvents('RefundFailed', orderId)).map((e) => e.detail.detail), { timeout: 15_000 })
      .toEqual([expect.objectContaining({ orderId, amount: USD(900), reason: expect.stringContaining('failed after it had succeeded') })]);
    // The order keeps what it told the customer; the incident is what makes a person give the money back.
    expect((await customer.api.get(`/orders/${orderId}`)).body.payment.status).toBe('REFUNDED');
  }, 45_000);

  it('cancel, then pay: the payment is refused with 409 and the provider is never asked', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 3);
    const { orderId } = await orderAwaitingPayment(customer, product);
    expect((await customer.api.post(`/orders/${orderId}/cancel`)).status).toBe(200);

    const paid = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect(paid.status).toBe(409);
    expect(paid.body.error.code).toBe('ORDER_NOT_PAYABLE');
    expect(paid.body.error.message).toContain('CANCELLED');
    expect((await providerCharges(orderId)).charges).toEqual([]);
    expect((await customer.api.get(`/orders/${orderId}`)).body).not.toHaveProperty('payment');
  });

  it('a charge is claimed for one payment method at a time: another method is refused with 409 while one is in flight', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 3);
    const { orderId } = await orderAwaitingPayment(customer, product);
    expect((await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer })).status).toBe(200);
    const other = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('PAYMENT_IN_PROGRESS');
    // The same method again is the same charge (the provider's idempotency key): no second charge.
    expect((await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer })).status).toBe(200);
    expect((await providerCharges(orderId)).charges).toHaveLength(1);
  });

  it('a payment method the provider refuses outright (400, nothing charged) frees the order at once for another method, which pays it', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 3, 500);
    const { orderId } = await orderAwaitingPayment(customer, product);
    const refused = await customer.api.post('/payment/process', { orderId, paymentMethod: 'pm_no_such_method' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('PAYMENT_REJECTED');

    // Not 409 PAYMENT_IN_PROGRESS for the refused method's 30 seconds: nothing is in progress.
    const other = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ orderId, paymentStatus: 'PROCESSING' });
    await waitForOrder(customer, orderId, isStatus('PAID'));
    expect((await providerCharges(orderId)).charges).toEqual([expect.objectContaining({ amount: 500, status: 'succeeded' })]);
  });

  it('a resend after the order is PAID (the first answer lost) answers the charge that paid it: 200 SUCCEEDED, no second charge; another method is still refused', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 3, 700);
    const { orderId } = await orderAwaitingPayment(customer, product);
    const first = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect(first.body).toEqual({ orderId, paymentStatus: 'PROCESSING' });
    await waitForOrder(customer, orderId, isStatus('PAID'));

    const resent = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect(resent.status).toBe(200);
    expect(resent.body).toEqual({ orderId, paymentStatus: 'SUCCEEDED' });
    const other = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.decline });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('ORDER_NOT_PAYABLE');
    expect((await providerCharges(orderId)).charges).toHaveLength(1);
    // Nobody else learns of the charge by resending its order id.
    const stranger = await newCustomer(api);
    expect((await stranger.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve })).status).toBe(404);
  });

  it('a charge is refused once the payment window has closed, although the checkout has not ended the order yet', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2);
    const { orderId } = await orderAwaitingPayment(customer, product);
    // The order's window closed a moment ago; its checkout times out a moment later.
    await setAttributes(cloud.tables.orders, { orderId }, { paymentDueAt: new Date(Date.now() - 1000).toISOString() });

    const paid = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect(paid.status).toBe(409);
    expect(paid.body.error.code).toBe('PAYMENT_WINDOW_CLOSED');
    expect((await providerCharges(orderId)).charges).toEqual([]);
  });

  it('around the end of the payment window: a charge claimed just before the payment was due and confirmed after pays the order; a success after the window expired is refunded, and the stock is back', async () => {
    // The two wait out one payment window side by side.
    await Promise.all([paidJustBeforeTheDueTime(), confirmedAfterTheWindowExpired()]);
  }, 90_000);

  /** The checkout waits beyond the due time the customer was shown, so that a charge claimed at its last moment is confirmed. */
  async function paidJustBeforeTheDueTime() {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2);
    const { orderId } = await orderAwaitingPayment(customer, product);
    const dueAt = Date.parse((await customer.api.get(`/orders/${orderId}`)).body.paymentDueAt);

    await sleep(Math.max(0, dueAt - 3000 - Date.now()));
    const paid = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    expect(paid.status).toBe(200);
    // The provider confirms the charge a second after the due time.
    await sleep(Math.max(0, dueAt + 1000 - Date.now()));
    await settleCharge((await chargeOf(orderId)).id);

    expect((await waitForOrder(customer, orderId, isStatus(...FINAL), 20_000)).status).toBe('PAID');
    expect((await waitForPayment(customer, orderId, 'CHARGED')).payment).toMatchObject({ charged: USD(1500), refunded: USD(0) });
  }

  async function confirmedAfterTheWindowExpired() {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    const expired = await waitForOrder(customer, orderId, isStatus(...FINAL), (cloud.paymentWindowSeconds + 20) * 1000);
    expect(expired.status).toBe('PAYMENT_FAILED');

    // Paying now is refused: the window is closed, whatever the client tries.
    expect((await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer })).status).toBe(409);

    await settleCharge((await chargeOf(orderId)).id);
    // The late success pays nothing: a resend of the payment is still refused, never told SUCCEEDED.
    const resent = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    expect(resent.status).toBe(409);
    const order = await waitForPayment(customer, orderId, 'REFUNDED');
    expect(order).toMatchObject({ status: 'PAYMENT_FAILED', payment: { charged: USD(1500), refunded: USD(1500) } });
    expect(await stockOf(api, product)).toBe(2);
  }

  it('a refund that fails is asked again and then succeeds (pm_card_refund_fails_once)', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 990);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.refundFailsOnce });
    const charge = await chargeOf(orderId);
    // Whichever comes first, the cancel or the provider's success: the order ends unpaid and the money goes back.
    await customer.api.post(`/orders/${orderId}/cancel`);
    const order = await waitForPayment(customer, orderId, 'REFUNDED', 45_000);
    expect(['CANCELLED', 'PAID']).toContain(order.status);
    if (order.status === 'CANCELLED') {
      const refunds = (await providerCharges(orderId)).charges.find((c) => c.id === charge.id)?.refunds ?? [];
      expect(refunds.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    }
  }, 60_000);
});

describe('a refund the shop could not make is settled when an operator makes it by hand (docs/payments.md)', () => {
  /** An order awaiting payment, and a $5.00 charge on it the shop did not make, with a card whose refunds through the API always fail. */
  async function strayChargeWhoseRefundsFail() {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 1500);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    const stray = await strayCharge(orderId, USD(500), TEST_PAYMENT_METHODS.refundFails);
    const refundsOfStray = async () => (await providerCharges(orderId)).charges.find((c) => c.id === stray)?.refunds ?? [];
    return { customer, orderId, stray, refundsOfStray };
  }

  it('REFUND_FAILED, then an operator refunds by hand: part of it leaves the incident standing; all of it makes the order REFUNDED, and OrderRefunded tells the customer', async () => {
    const { customer, orderId, stray, refundsOfStray } = await strayChargeWhoseRefundsFail();
    // Three attempts, 5 s then 30 s apart, all refused: the incident.
    await expect.poll(async () => (await busEvents('RefundFailed', orderId)).length, { timeout: 75_000, interval: 1_000 }).toBe(1);
    await waitForPayment(customer, orderId, 'REFUND_FAILED', 15_000);

    await refundByHand(stray, 200);
    await expect.poll(async () => (await refundsOfStray()).filter((r) => r.byHand).map((r) => r.status), { timeout: 10_000 }).toEqual(['succeeded']);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await customer.api.get(`/orders/${orderId}`)).body.payment).toMatchObject({ status: 'REFUND_FAILED', refunded: USD(0) });
    expect(await busEvents('OrderRefunded', orderId)).toHaveLength(0);

    await refundByHand(stray);
    const order = await waitForPayment(customer, orderId, 'REFUNDED', 20_000);
    expect(order.payment.refunded).toEqual(USD(500));
    await expect.poll(async () => (await busEvents('OrderRefunded', orderId)).length, { timeout: 15_000 }).toBe(1);
    const [refunded] = await busEvents('OrderRefunded', orderId);
    expect(refunded?.detail.detail).toMatchObject({ chargeId: stray, amount: USD(500) });
    // Every cent back, once: three failed attempts, two refunds by hand, nothing more.
    expect((await refundsOfStray()).map((r) => [r.amount, r.status])).toEqual([
      [500, 'failed'],
      [500, 'failed'],
      [500, 'failed'],
      [200, 'succeeded'],
      [300, 'succeeded'],
    ]);
  }, 120_000);

  it('the provider answers the next attempt that the charge is refunded already (an operator was first, and its webhook is late): the order is REFUNDED at once', async () => {
    const { customer, orderId, stray, refundsOfStray } = await strayChargeWhoseRefundsFail();
    await expect.poll(async () => (await refundsOfStray()).map((r) => r.status), { timeout: 15_000, interval: 250 }).toEqual(['failed']);
    // The second attempt is 5 s away. The operator refunds now, and the provider holds that refund's webhook back for a minute.
    try {
      await injectFaults({ kind: 'webhook-late', count: 1, delayMs: 60_000 });
      await refundByHand(stray);
      await waitForPayment(customer, orderId, 'REFUNDED', 20_000);
    } finally {
      await clearFaults();
    }
    const charge = (await providerCharges(orderId)).charges.find((c) => c.id === stray);
    expect(charge?.refunds.map((r) => [r.status, r.byHand ?? false])).toEqual([
      ['failed', false],
      ['succeeded', true],
    ]);
    // The shop learnt it from the provider's answer to its second attempt, not from the late webhook.
    const handRefund = charge?.refunds[1]?.id;
    expect(charge?.webhooks.find((w) => w.event.data['refundId'] === handRefund)?.state).not.toBe('delivered');
    expect((await customer.api.get(`/orders/${orderId}`)).body.payment).toMatchObject({ status: 'REFUNDED', refunded: USD(500) });
    await expect.poll(async () => (await busEvents('OrderRefunded', orderId)).length, { timeout: 15_000 }).toBe(1);
    expect(await busEvents('RefundFailed', orderId)).toHaveLength(0);
  }, 60_000);
});

describe('a signed webhook that does not match the charge the shop made never pays the order', () => {
  it('a genuine 1-cent charge for a $15.00 order: refused, recorded as an incident, refunded; the order still awaits its payment', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 1500);
    const { orderId } = await orderAwaitingPayment(customer, product);
    // The shop begins its payment (what the order must cost is noted), the provider will not answer it.
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });

    const stray = await strayCharge(orderId, USD(1));
    await expect.poll(async () => (await busEvents('PaymentMismatch', orderId)).length, { timeout: 15_000 }).toBe(1);
    const [mismatch] = await busEvents('PaymentMismatch', orderId);
    expect(mismatch?.detail.detail).toMatchObject({ chargeId: stray, received: USD(1), expected: USD(1500) });

    await expect
      .poll(async () => (await providerCharges(orderId)).charges.find((c) => c.id === stray)?.refunds.map((r) => r.status), { timeout: 20_000 })
      .toEqual(['succeeded']);
    const order = (await customer.api.get(`/orders/${orderId}`)).body;
    expect(order.status).toBe('AWAITING_PAYMENT');
    // The order shows the money that was taken and given back.
    await expect.poll(async () => (await customer.api.get(`/orders/${orderId}`)).body.payment?.refunded).toEqual(USD(1));
  }, 60_000);

  it.each([
    ['another currency', { amount: 1500, currency: 'EUR' }],
    ['the right amount, but not the charge the shop made', { amount: 1500, currency: 'USD' }],
  ])('%s: refused and refunded, and the shop’s own charge still pays the order', async (_, amount) => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 1500);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    const ours = await chargeOf(orderId);

    const stray = await strayCharge(orderId, amount);
    await expect.poll(async () => (await busEvents('PaymentMismatch', orderId)).length, { timeout: 15_000 }).toBe(1);
    await expect
      .poll(async () => (await providerCharges(orderId)).charges.find((c) => c.id === stray)?.refunds.map((r) => r.status), { timeout: 20_000 })
      .toEqual(['succeeded']);

    await settleCharge(ours.id);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');
    await waitForPayment(customer, orderId, 'CHARGED');
    // The order shows every cent taken and given back, and never adds up amounts in different currencies.
    const expected =
      amount.currency === 'USD'
        ? { status: 'CHARGED', charged: USD(1500 + amount.amount), refunded: USD(amount.amount) }
        : { status: 'CHARGED', charged: USD(1500), refunded: USD(0), otherCurrencies: [{ charged: amount, refunded: amount }] };
    await expect.poll(async () => (await customer.api.get(`/orders/${orderId}`)).body.payment, { timeout: 15_000 }).toEqual(expected);
  }, 60_000);

  it.each([
    ['no order of the shop', () => `pos-${randomUUID()}`],
    ['an order id the shop never began a payment for (another stage on the same provider account)', () => randomUUID()],
  ])('a charge made with the shop’s key for %s is acknowledged (the provider stops sending it), raised as UnknownCharge, and neither pays nor is refunded', async (_, newReference) => {
    const reference = newReference();
    const stray = await fetch(`${cloud.paymentProviderUrl}/v1/charges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cloud.paymentProviderApiKey}`, 'content-type': 'application/json', 'idempotency-key': `foreign-${randomUUID()}` },
      body: JSON.stringify({ amount: 4200, currency: 'USD', paymentMethod: TEST_PAYMENT_METHODS.approve, metadata: { orderId: reference } }),
    });
    expect(stray.status).toBe(200);
    const chargeId = ((await stray.json()) as { id: string }).id;

    const incidents = async () =>
      ((await api.get('/_local/events?detailType=UnknownCharge')).body.events as { event: { detail: { detail: Record<string, unknown> } } }[])
        .map((e) => e.event.detail.detail)
        .filter((d) => d['chargeId'] === chargeId);
    await expect.poll(incidents, { timeout: 15_000 }).toEqual([expect.objectContaining({ chargeId, received: USD(4200) })]);
    // Taken at the first delivery: no retries, and nothing given back.
    await expect
      .poll(async () => (await providerCharges(reference)).charges[0]?.webhooks.map((w) => [w.event.type, w.state, w.attempts]), { timeout: 10_000 })
      .toEqual([['charge.succeeded', 'delivered', 1]]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await providerCharges(reference)).charges[0]?.refunds).toEqual([]);
  }, 30_000);

  it('a paid order’s charge refunded outside the shop (the dashboard, a leaked key) is raised as UnknownRefund: the order may still ship', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 1100);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    await waitForPayment(customer, orderId, 'CHARGED');
    const charge = await chargeOf(orderId);

    const refundId = await refundByHand(charge.id);

    await expect
      .poll(async () => (await busEvents('UnknownRefund', orderId)).map((e) => e.detail.detail), { timeout: 15_000 })
      .toEqual([{ orderId, providerEventId: expect.any(String), chargeId: charge.id, refundId, refunded: USD(1100) }]);
  }, 30_000);

  it('a webhook forged for a charge the provider never made is refused and pays nothing', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 700);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    const answer = await deliverWebhook({
      id: `evt_${randomUUID()}`,
      type: 'charge.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { chargeId: `ch_${randomUUID()}`, orderId, amount: 700, currency: 'USD' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: true, rejected: 'PAYMENT_MISMATCH' });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await customer.api.get(`/orders/${orderId}`)).body.status).toBe('AWAITING_PAYMENT');
  });
});

describe('the first outcome of a payment stands', () => {
  it('duplicates and out-of-order deliveries of genuine webhooks change nothing', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 4, 700);
    const { orderId } = await orderAwaitingPayment(customer, product, 2);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    const charge = await chargeOf(orderId);
    await settleCharge(charge.id);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');
    const success = (await chargeOf(orderId)).webhooks.find((w) => w.event.type === 'charge.succeeded')?.event;

    // Three more deliveries of the success, and a forged failure of the same charge afterwards.
    for (let i = 0; i < 3; i++) await redeliverWebhook(success?.id ?? '');
    const late = await deliverWebhook({ ...success, id: `evt_${randomUUID()}`, type: 'charge.failed', data: { ...success?.data, failureReason: 'card_declined' } });
    expect(late.status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 2000));

    const order = (await customer.api.get(`/orders/${orderId}`)).body;
    expect(order.status).toBe('PAID');
    expect(order.payment).toEqual({ status: 'CHARGED', charged: USD(1400), refunded: USD(0) });
    expect(await stockOf(api, product)).toBe(2);
    expect(await busEvents('OrderPaid', orderId)).toHaveLength(1);
  }, 60_000);

  it('a decline, then the provider approves the same charge: the order stays PAYMENT_FAILED and the money goes back', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 700);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    const charge = await chargeOf(orderId);

    // The provider's signed word that the charge failed...
    const declined = await deliverDecline(charge.id, orderId, 700);
    expect(declined.status).toBe(202);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAYMENT_FAILED');
    expect((await customer.api.get(`/orders/${orderId}`)).body.payment).toEqual({ status: 'DECLINED', charged: USD(0), refunded: USD(0) });

    // ...and then the same charge succeeds after all (a late approval), with its genuine webhook.
    await settleCharge(charge.id);
    await expect
      .poll(async () => (await providerCharges(orderId)).charges.find((c) => c.id === charge.id)?.refunds.map((r) => r.status), { timeout: 20_000 })
      .toEqual(['succeeded']);
    const order = await waitForPayment(customer, orderId, 'REFUNDED');
    expect(order).toMatchObject({ status: 'PAYMENT_FAILED', payment: { charged: USD(700), refunded: USD(700) } });
    expect(await stockOf(api, product)).toBe(2);
  }, 60_000);
});
