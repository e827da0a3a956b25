import { randomUUID } from 'node:crypto';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, placeOrder, stockOf, waitForOrder } from '../src/checkout';
import { api, clearFaults, cloud, executionOf, executionsOf, faultsState, injectFaults } from '../src/cloud';
import { busEvents, chargeOf, providerCharges, settleCharge, waitForPayment } from '../src/payments';

/*
 * The fault API (`/_local/faults`), and what the soak found: each violation it reported is a test
 * here that makes the same fault happen on purpose and shows the shop getting through it.
 */

let admin: SignedInUser;
beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
});
afterEach(() => clearFaults());

/** How many faults of a kind fired since the cloud started. */
const fired = async (kind: string) => (await faultsState()).fired[kind] ?? 0;

describe('the fault API', () => {
  it('arms, lists and disarms faults, and refuses one it could never fire, naming why', async () => {
    const typo = await api.post('/_local/faults', { kind: 'function-timeout', target: 'order-service/finalise-order' });
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toMatch(/no function order-service\/finalise-order/);
    expect((await api.post('/_local/faults', { kind: 'disk-full' })).status).toBe(400);

    await injectFaults({ kind: 'provider-5xx', count: 2 }, { kind: 'function-error', target: 'product-service/get-product' });
    expect((await faultsState()).armed.map((f) => [f.kind, f.count, f.fired])).toEqual([
      ['provider-5xx', 2, 0],
      ['function-error', 1, 0],
    ]);
    await clearFaults();
    expect((await faultsState()).armed).toEqual([]);
  });

  it('makes a named function fail its next invocation, then no more', async () => {
    const productId = await newProduct(admin, 1);
    const before = await fired('function-error');
    await injectFaults({ kind: 'function-error', target: 'product-service/get-product' });
    // An HTTP API answers a function that failed with 500 (a REST API would answer 502).
    expect((await api.get(`/products/${productId}`)).status).toBe(500);
    expect((await api.get(`/products/${productId}`)).status).toBe(200);
    expect(await fired('function-error')).toBe(before + 1);
  });
});

describe('what the soak found', () => {
  it('a finalize that times out once is retried, and the declined order ends PAYMENT_FAILED without a person', async () => {
    const customer = await newCustomer(api);
    const productId = await newProduct(admin, 2);
    const { orderId } = await orderAwaitingPayment(customer, productId);
    const before = await fired('function-timeout');
    await injectFaults({ kind: 'function-timeout', target: 'order-service/finalize-order', delayMs: 0 });

    expect((await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.decline })).status).toBe(200);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL), 45_000)).status).toBe('PAYMENT_FAILED');
    await expect.poll(() => executionOf(orderId), { timeout: 15_000 }).toEqual({ status: 'SUCCEEDED' });
    expect(await fired('function-timeout')).toBe(before + 1);
    expect(await stockOf(api, productId)).toBe(2);
  }, 90_000);

  it('a MarkPaid whose runtime dies once is retried, and the paid order ends PAID, not PaidButNotCompleted', async () => {
    const customer = await newCustomer(api);
    const productId = await newProduct(admin, 2);
    const { orderId } = await orderAwaitingPayment(customer, productId);
    const before = await fired('function-crash');
    await injectFaults({ kind: 'function-crash', target: 'order-service/finalize-order', delayMs: 0 });

    expect((await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve })).status).toBe(200);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL), 45_000)).status).toBe('PAID');
    await expect.poll(() => executionOf(orderId), { timeout: 15_000 }).toEqual({ status: 'SUCCEEDED' });
    expect(await fired('function-crash')).toBe(before + 1);
    expect(await stockOf(api, productId)).toBe(1);
  }, 90_000);

  it("a queue send that hangs is cut off by the client's timeout and retried: the webhook is answered at its first delivery", async () => {
    const customer = await newCustomer(api);
    const productId = await newProduct(admin, 1);
    const { orderId } = await orderAwaitingPayment(customer, productId);
    const before = await fired('queue-send-hang');
    // Longer than payment-webhook's 10 s timeout: without a request timeout that throws, the send
    // would hold the function until Lambda killed it, and the provider would have to deliver again.
    await injectFaults({ kind: 'queue-send-hang', target: 'payment-service/payment-events', delayMs: 60_000 });

    expect((await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve })).status).toBe(200);
    await waitForPayment(customer, orderId, 'CHARGED', 45_000);
    // The charge is recorded before the state machine marks the order PAID (a fresh clone once read it between the two).
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL), 15_000)).status).toBe('PAID');
    expect(await fired('queue-send-hang')).toBe(before + 1);
    const charge = await chargeOf(orderId);
    expect(charge.webhooks.map((w) => [w.event.type, w.state, w.attempts])).toEqual([['charge.succeeded', 'delivered', 1]]);
  }, 90_000);

  it("a payment result outlives an outage of its consumer shorter than the queue's receives: four failures, then PAID", async () => {
    // The 200-order soak once dead-lettered payment results: its plan armed 15 errors in a row on
    // this consumer, which the local cloud's 1 s redelivery turned into one 15 s outage that spent
    // all 5 receives (on AWS, 90 s apart, that is a 7.5-minute outage: one for a person, by the
    // dead-letter queue's alarm). An outage within the receives loses nothing.
    const customer = await newCustomer(api);
    const productId = await newProduct(admin, 1);
    const { orderId } = await orderAwaitingPayment(customer, productId);
    const before = await fired('function-error');
    await injectFaults({ kind: 'function-error', target: 'order-service/update-order-status', count: 4 });

    expect((await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve })).status).toBe(200);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL), 60_000)).status).toBe('PAID');
    expect((await waitForPayment(customer, orderId, 'CHARGED', 10_000)).payment).toMatchObject({ refunded: { amount: 0 } });
    expect(await fired('function-error')).toBe(before + 4);
    expect(await stockOf(api, productId)).toBe(0);
  }, 90_000);

  it('twenty checkouts placed at once all wait for payment: none is cancelled because its functions started slowly', async () => {
    const productId = await newProduct(admin, 20);
    const customers = await Promise.all(Array.from({ length: 20 }, () => newCustomer(api)));
    const placed = await Promise.all(customers.map((customer) => placeOrder(customer, [{ productId, quantity: 1 }])));
    const orders = await Promise.all(placed.map(({ orderId }, i) => waitForOrder(customers[i]!, orderId, isStatus('AWAITING_PAYMENT', ...FINAL), 60_000)));
    expect(orders.map((o) => o.status)).toEqual(Array(20).fill('AWAITING_PAYMENT'));
    expect(await stockOf(api, productId)).toBe(0);
    await Promise.all(placed.map(({ orderId }, i) => customers[i]!.api.post(`/orders/${orderId}/cancel`)));
    await expect.poll(() => stockOf(api, productId), { timeout: 30_000 }).toBe(20);
  }, 120_000);
});

describe('a provider that answers 409 idempotency_key_in_use (a retry overtook the request it repeats, still in progress there)', () => {
  it('the charge and the refund are asked again under their keys: paid once, given back once by the first attempt, no incident', async () => {
    const customer = await newCustomer(api);
    const productId = await newProduct(admin, 2);
    const { orderId } = await orderAwaitingPayment(customer, productId);
    const before = await fired('provider-key-in-use');
    await injectFaults({ kind: 'provider-key-in-use' });
    const paid = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.paymentStatus).toBe('PROCESSING');
    expect(await fired('provider-key-in-use')).toBe(before + 1);

    // The cancel comes first; then the charge succeeds, and its refund meets the same answer once.
    expect((await customer.api.post(`/orders/${orderId}/cancel`)).status).toBe(200);
    await injectFaults({ kind: 'provider-key-in-use' });
    await settleCharge((await chargeOf(orderId)).id);
    const order = await waitForPayment(customer, orderId, 'REFUNDED', 45_000);
    expect(order.status).toBe('CANCELLED');
    expect(await fired('provider-key-in-use')).toBe(before + 2);
    const { charges } = await providerCharges(orderId);
    expect(charges).toHaveLength(1);
    expect(charges[0]?.refunds.map((r) => [r.status, r.idempotencyKey, r.metadata.refundAttempt])).toEqual([['succeeded', `refund-${charges[0]?.id}-1`, '1']]);
    expect(await busEvents('RefundFailed', orderId)).toHaveLength(0);
    await expect.poll(() => stockOf(api, productId), { timeout: 15_000 }).toBe(2);
  }, 60_000);

  it('a charge whose key stays in use past the attempts is 409 PAYMENT_IN_PROGRESS with Retry-After, not "the provider is down"; the retry pays once', async () => {
    const customer = await newCustomer(api);
    const productId = await newProduct(admin, 2);
    const { orderId } = await orderAwaitingPayment(customer, productId);
    const before = await fired('provider-key-in-use');
    await injectFaults({ kind: 'provider-key-in-use', count: 3 });
    const busy = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect(busy.status, JSON.stringify(busy.body)).toBe(409);
    expect(busy.body.error.code).toBe('PAYMENT_IN_PROGRESS');
    expect(busy.headers.get('retry-after')).toBe('2');
    expect(await fired('provider-key-in-use')).toBe(before + 3);

    const retried = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    await waitForOrder(customer, orderId, isStatus('PAID'));
    expect((await providerCharges(orderId)).charges).toHaveLength(1);
  }, 60_000);
});

describe('an order whose checkout cannot start', () => {
  it('is closed after one payment window when no retry comes: nothing reserved, the cart keeps its lines, and a late retry answers the closed order', async () => {
    const customer = await newCustomer(api);
    const productId = await newProduct(admin, 2);
    expect((await customer.api.post('/cart', { productId, quantity: 1 })).status).toBe(200);
    const cart = await customer.api.get('/cart');
    const key = `checkout-${randomUUID()}`;
    const before = await fired('execution-start-fail');
    // Every attempt the SDK makes (three) finds Step Functions failing: create-order gives up after writing the order.
    await injectFaults({ kind: 'execution-start-fail', count: 3 });

    const failed = await customer.api.post('/orders', { cartId: cart.body.cartId }, { headers: { 'idempotency-key': key } });
    expect(failed.status).toBe(500);
    expect(await fired('execution-start-fail')).toBe(before + 3);
    const listed = await customer.api.get('/orders');
    const [order] = listed.body.items as { orderId: string; status: string }[];
    expect(order).toMatchObject({ status: 'PENDING' });
    const orderId = order?.orderId ?? '';

    // The check sent before the order was written comes one payment window later.
    const closed = await waitForOrder(customer, orderId, isStatus(...FINAL), (cloud.paymentWindowSeconds + 30) * 1000);
    expect(closed).toMatchObject({ status: 'CANCELLED', reason: expect.stringMatching(/checkout could not start/) });
    expect(await executionsOf(orderId)).toBe(0);
    expect(await stockOf(api, productId)).toBe(2);
    expect((await customer.api.get('/cart')).body.items).toEqual([expect.objectContaining({ productId, quantity: 1 })]);

    // A retry with the key, after the close, answers the order as it is and starts nothing.
    const retry = await customer.api.post('/orders', { cartId: cart.body.cartId }, { headers: { 'idempotency-key': key } });
    expect(retry).toMatchObject({ status: 201, body: { orderId, status: 'CANCELLED' } });
    expect(await executionsOf(orderId)).toBe(0);
    expect((await customer.api.get('/cart')).body.items).toEqual([expect.objectContaining({ productId, quantity: 1 })]);
  }, 120_000);
});
