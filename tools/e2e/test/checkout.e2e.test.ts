import { randomUUID } from 'node:crypto';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, placeOrder, stockOf, waitForOrder } from '../src/checkout';
import { api, cloud, executionsOf } from '../src/cloud';

let admin: SignedInUser;

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
});

describe('checkout', () => {
  it('takes a cart to a PAID order and takes exactly what was bought from stock', async () => {
    const customer = await newCustomer(api);
    const mug = await newProduct(admin, 10, 1250);
    const plate = await newProduct(admin, 4, 800);

    const { orderId } = await placeOrder(customer, [
      { productId: mug, quantity: 2 },
      { productId: plate, quantity: 1 },
    ]);
    const awaiting = await waitForOrder(customer, orderId, isStatus('AWAITING_PAYMENT', ...FINAL));
    expect(awaiting.status).toBe('AWAITING_PAYMENT');
    expect(awaiting.total.amount).toBe(2 * 1250 + 800);
    // Reserved while awaiting payment.
    expect(await stockOf(api, mug)).toBe(8);

    const paid = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect(paid.status).toBe(200);
    expect(paid.body.paymentStatus).toBe('PROCESSING');

    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');
    expect(await stockOf(api, mug)).toBe(8);
    expect(await stockOf(api, plate)).toBe(3);

    const mine = await customer.api.get('/orders');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);
  });

  it('pays through a provider error: the charge is retried and succeeds', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 3);
    const { orderId } = await orderAwaitingPayment(customer, product);
    const paid = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.errorThenApprove });
    expect(paid.status).toBe(200);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');
    expect(await stockOf(api, product)).toBe(2);
  });

  it('releases the stock of a declined payment and ends PAYMENT_FAILED with a reason', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 5);
    const { orderId } = await orderAwaitingPayment(customer, product, 2);
    expect(await stockOf(api, product)).toBe(3);

    const declined = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.decline });
    expect(declined.status).toBe(200);
    expect(declined.body.paymentStatus).toBe('DECLINED');

    const order = await waitForOrder(customer, orderId, isStatus(...FINAL));
    expect(order.status).toBe('PAYMENT_FAILED');
    expect(order.reason).toBeTruthy();
    expect(await stockOf(api, product)).toBe(5);
  });

  it('releases the stock when the payment window expires', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2);
    const { orderId } = await orderAwaitingPayment(customer, product);
    expect((await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer })).body.paymentStatus).toBe(
      'PROCESSING',
    );
    const order = await waitForOrder(customer, orderId, isStatus(...FINAL), (cloud.paymentWindowSeconds + 20) * 1000);
    expect(['PAYMENT_FAILED', 'CANCELLED']).toContain(order.status);
    expect(order.reason).toMatch(/window|expired/i);
    expect(await stockOf(api, product)).toBe(2);
  }, 90_000);

  it('lets a customer cancel before paying, releasing the stock; a paid order cannot be cancelled', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 6);
    const { orderId } = await orderAwaitingPayment(customer, product, 3);
    const cancelled = await customer.api.post(`/orders/${orderId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('CANCELLED');
    await expect.poll(() => stockOf(api, product), { timeout: 15_000 }).toBe(6);
    // A retried cancel (the first answer lost) is answered the same, and releases nothing twice.
    expect((await customer.api.post(`/orders/${orderId}/cancel`)).body).toMatchObject({ orderId, status: 'CANCELLED' });
    expect(await stockOf(api, product)).toBe(6);
    // Paying a cancelled order is refused.
    expect((await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve })).status).toBe(409);

    const second = await orderAwaitingPayment(customer, product, 1);
    await customer.api.post('/payment/process', { orderId: second.orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    await waitForOrder(customer, second.orderId, isStatus(...FINAL));
    const late = await customer.api.post(`/orders/${second.orderId}/cancel`);
    expect(late.status).toBe(409);
    expect(await stockOf(api, product)).toBe(5);
  });

  it('sells the last 5 units to exactly 5 of 20 concurrent buyers and never oversells', async () => {
    const product = await newProduct(admin, 5);
    // Accounts and carts are filled one after another; what runs concurrently is the checkout.
    const buyers: SignedInUser[] = [];
    for (let i = 0; i < 20; i++) {
      const buyer = await newCustomer(api);
      expect((await buyer.api.post('/cart', { productId: product, quantity: 1 })).status).toBe(200);
      buyers.push(buyer);
    }

    const outcomes = await Promise.all(
      buyers.map(async (buyer) => {
        const { orderId } = await placeOrder(buyer, []);
        const reached = await waitForOrder(buyer, orderId, isStatus('AWAITING_PAYMENT', ...FINAL), 60_000);
        if (reached.status === 'AWAITING_PAYMENT') {
          await buyer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
        }
        return waitForOrder(buyer, orderId, isStatus(...FINAL), 60_000);
      }),
    );

    const paid = outcomes.filter((o) => o.status === 'PAID');
    const cancelled = outcomes.filter((o) => o.status === 'CANCELLED');
    expect(paid).toHaveLength(5);
    expect(cancelled).toHaveLength(15);
    for (const order of cancelled) expect(order.reason).toMatch(/stock/i);
    expect(await stockOf(api, product)).toBe(0);
  }, 180_000);
});

describe('the cart', () => {
  it('adds once when POST /cart is sent again with its Idempotency-Key (the first answer lost), and refuses the key with another quantity', async () => {
    const customer = await newCustomer(api);
    const mug = await newProduct(admin, 10, 1250);
    const headers = { 'idempotency-key': `add-${randomUUID()}` };

    const first = await customer.api.post('/cart', { productId: mug, quantity: 2 }, { headers });
    const again = await customer.api.post('/cart', { productId: mug, quantity: 2 }, { headers });

    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect((await customer.api.get('/cart')).body.items).toMatchObject([{ productId: mug, quantity: 2 }]);

    const reused = await customer.api.post('/cart', { productId: mug, quantity: 3 }, { headers });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Without a key, an add is an add.
    expect((await customer.api.post('/cart', { productId: mug, quantity: 1 })).body.items).toMatchObject([{ quantity: 3 }]);
  });
});

describe('an order is of the cart the customer reviewed', () => {
  it('refuses with 409 CART_CHANGED, ordering nothing, a cart another tab changed or a price changed since; then orders what the customer sees', async () => {
    const customer = await newCustomer(api);
    const mug = await newProduct(admin, 10, 1250);
    expect((await customer.api.post('/cart', { productId: mug, quantity: 1 })).status).toBe(200);
    const reviewed = (await customer.api.get('/cart')).body;
    expect(reviewed.totals.subtotal).toEqual({ amount: 1250, currency: 'USD' });
    const order = (body: Record<string, unknown>) =>
      customer.api.post('/orders', { cartId: reviewed.cartId, ...body }, { headers: { 'idempotency-key': `checkout-${randomUUID()}` } });

    // Another tab adds four more.
    expect((await customer.api.put(`/cart/items/${mug}`, { quantity: 5 })).status).toBe(200);
    const stale = await order({ cartRevision: reviewed.revision, expectedTotal: reviewed.totals.subtotal });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CART_CHANGED');
    expect(stale.body.error.message).toContain(`it was revision ${reviewed.revision}`);

    // The admin raises the price while the customer looks at the new cart.
    const now = (await customer.api.get('/cart')).body;
    const product = await admin.api.get(`/products/${mug}`);
    expect((await admin.api.put(`/products/${mug}`, { price: { amount: 1300, currency: 'USD' } }, { headers: { 'if-match': product.headers.get('etag')! } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the cart's catalogue memory is one second
    const repriced = await order({ cartRevision: now.revision, expectedTotal: now.totals.subtotal });
    expect(repriced.status).toBe(409);
    expect(repriced.body.error.message).toContain('it would cost $65.00, not the $62.50 you saw');

    // Nothing was ordered and nothing reserved.
    expect((await customer.api.get('/orders')).body.items).toEqual([]);
    expect(await stockOf(api, mug)).toBe(10);

    // What the customer sees now is what is ordered.
    const seen = (await customer.api.get('/cart')).body;
    const placed = await order({ cartRevision: seen.revision, expectedTotal: seen.totals.subtotal });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const awaiting = await waitForOrder(customer, placed.body.orderId, isStatus('AWAITING_PAYMENT', ...FINAL));
    expect(awaiting).toMatchObject({ status: 'AWAITING_PAYMENT', total: { amount: 6500, currency: 'USD' } });
  });
});

describe('ordering is idempotent and private', () => {
  it('answers a retried POST /orders with the same order and starts one execution', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 5);
    const placed = await placeOrder(customer, [{ productId: product, quantity: 1 }]);
    const headers = { 'idempotency-key': placed.idempotencyKey };

    const retries = await Promise.all([1, 2, 3].map(() => customer.api.post('/orders', { cartId: placed.cartId }, { headers })));
    for (const retry of retries) {
      expect(retry.status).toBe(201);
      expect(retry.body.orderId).toBe(placed.orderId);
    }
    expect((await customer.api.get('/orders')).body.items).toHaveLength(1);
    expect(await executionsOf(placed.orderId)).toBe(1);

    const otherBody = await customer.api.post('/orders', { cartId: '00000000-0000-4000-8000-000000000000' }, { headers });
    expect(otherBody.status).toBe(422);
  });

  it("hides another customer's order and cart behind 404", async () => {
    const alice = await newCustomer(api);
    const bob = await newCustomer(api);
    const product = await newProduct(admin, 5);
    const { orderId, cartId } = await orderAwaitingPayment(alice, product);

    expect((await bob.api.get(`/orders/${orderId}`)).status).toBe(404);
    expect((await bob.api.post(`/orders/${orderId}/cancel`)).status).toBe(404);
    expect((await bob.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve })).status).toBe(404);
    const bobOrdersAlicesCart = await bob.api.post('/orders', { cartId }, { headers: { 'idempotency-key': `bob-${orderId}` } });
    expect(bobOrdersAlicesCart.status).toBe(404);
    expect((await bob.api.get('/orders')).body.items).toEqual([]);
    // Alice's order is untouched, and ADMIN may look at it.
    expect((await alice.api.get(`/orders/${orderId}`)).body.status).toBe('AWAITING_PAYMENT');
    expect((await admin.api.get(`/orders/${orderId}`)).status).toBe(200);
  });
});
