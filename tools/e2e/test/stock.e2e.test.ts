import { randomUUID } from 'node:crypto';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, stockOf, waitForOrder } from '../src/checkout';
import { api, cloud } from '../src/cloud';
import { readStockLedger } from '../src/stock-ledger';

let admin: SignedInUser;
let manager: SignedInUser;
let customer: SignedInUser;

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
  manager = await signIn(api, cloud.manager.email, cloud.manager.password);
  customer = await newCustomer(api);
});

const adjust = (who: SignedInUser, productId: string, body: unknown, key = `adjust-${randomUUID()}`) =>
  who.api.post(`/products/${productId}/stock-adjustments`, body, { headers: { 'idempotency-key': key } });
const trail = async (productId: string) => {
  const res = await admin.api.get(`/products/${productId}/stock-adjustments`);
  expect(res.status).toBe(200);
  return res.body.items as { adjustmentId: string; delta: number; reason: string; by: string }[];
};

describe('stock adjustments', () => {
  it('change the stock GET /products/{id} shows, and list in the trail, newest first', async () => {
    const productId = await newProduct(admin, 10);

    const received = await adjust(manager, productId, { delta: 5, reason: 'delivery 4711' });
    expect(received.status).toBe(201);
    expect(received.body).toMatchObject({ productId, delta: 5, reason: 'delivery 4711', by: manager.userId, stockAfter: 15 });
    const broken = await adjust(admin, productId, { delta: -2, reason: '2 broken in the count' });
    expect(broken.body).toMatchObject({ delta: -2, by: admin.userId, stockAfter: 13 });

    expect(await stockOf(api, productId)).toBe(13);
    expect((await trail(productId)).map((a) => [a.adjustmentId, a.delta])).toEqual([
      [broken.body.adjustmentId, -2],
      [received.body.adjustmentId, 5],
    ]);
    // A page the limit fills exactly is the last when nothing follows: no cursor to an empty page.
    const full = await admin.api.get(`/products/${productId}/stock-adjustments?limit=2`);
    expect(full.body).toMatchObject({ items: [{ delta: -2 }, { delta: 5 }], nextCursor: null });
    const first = await admin.api.get(`/products/${productId}/stock-adjustments?limit=1`);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin.api.get(`/products/${productId}/stock-adjustments?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toMatchObject({ items: [{ delta: 5 }], nextCursor: null });
  });

  it('apply once per Idempotency-Key: a repeat answers the same adjustment, another body under the key is 422', async () => {
    const productId = await newProduct(admin, 10);
    const key = `adjust-${randomUUID()}`;

    const first = await adjust(admin, productId, { delta: 3, reason: 'found in the back' }, key);
    const again = await adjust(admin, productId, { delta: 3, reason: 'found in the back' }, key);

    expect(again.status).toBe(201);
    expect(again.body.adjustmentId).toBe(first.body.adjustmentId);
    expect(await stockOf(api, productId)).toBe(13);
    expect(await trail(productId)).toHaveLength(1);

    const reused = await adjust(admin, productId, { delta: 30, reason: 'found in the back' }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await stockOf(api, productId)).toBe(13);
  });

  it('refuse to take stock below 0 with 409, saying how much there is, and change nothing', async () => {
    const productId = await newProduct(admin, 2);
    const res = await adjust(admin, productId, { delta: -3, reason: 'lost' });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'INSUFFICIENT_STOCK', message: 'Not enough stock: 2 available, so a delta of -3 would take it below 0' });
    expect(await stockOf(api, productId)).toBe(2);
    expect(await trail(productId)).toEqual([]);
  });

  it('are for ADMIN and MANAGER only: 403 to a customer, 401 to an anonymous caller', async () => {
    const productId = await newProduct(admin, 4);
    for (const res of [await adjust(customer, productId, { delta: 1, reason: 'mine now' }), await customer.api.get(`/products/${productId}/stock-adjustments`)]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const anonymous = [
      await api.post(`/products/${productId}/stock-adjustments`, { delta: 1, reason: 'x' }, { headers: { 'idempotency-key': `adjust-${randomUUID()}` } }),
      await api.get(`/products/${productId}/stock-adjustments`),
    ];
    for (const res of anonymous) expect(res.status).toBe(401);
    expect(await stockOf(api, productId)).toBe(4);
    expect(await trail(productId)).toEqual([]);
  });

  it('answer 404 for a product that is not in the catalogue', async () => {
    const productId = await newProduct(admin, 4);
    expect((await admin.api.delete(`/products/${productId}`)).status).toBe(204);
    expect((await adjust(admin, productId, { delta: 1, reason: 'found' })).status).toBe(404);
    expect((await adjust(admin, randomUUID(), { delta: 1, reason: 'found' })).status).toBe(404);
  });
});

describe('PUT /products/{id}', () => {
  it('refuses stock with 400 naming it and pointing to stock adjustments, and changes nothing', async () => {
    const productId = await newProduct(admin, 6);
    const before = await api.get(`/products/${productId}`);

    const res = await admin.api.put(`/products/${productId}`, { name: 'Renamed', stock: 12 });

    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'stock', message: expect.stringContaining('POST /products/{id}/stock-adjustments') }]);
    expect((await api.get(`/products/${productId}`)).body).toEqual(before.body);
  });

  it('updates at the ETag the editor read; a stale If-Match is 412 and changes nothing; stock changes leave the ETag alone', async () => {
    const productId = await newProduct(admin, 6);
    const read = await api.get(`/products/${productId}`);
    const etag = read.headers.get('etag') as string;
    expect(etag).toMatch(/^"\d+"$/);

    // A checkout and an adjustment change stock: the editor's copy is not stale for that.
    await orderAwaitingPayment(customer, productId, 1);
    expect((await adjust(admin, productId, { delta: 4, reason: 'delivery' })).status).toBe(201);
    expect((await api.get(`/products/${productId}`)).headers.get('etag')).toBe(etag);

    const renamed = await manager.api.put(`/products/${productId}`, { name: 'Renamed' }, { headers: { 'if-match': etag } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', stock: 9 });
    const newEtag = renamed.headers.get('etag');
    expect(newEtag).not.toBe(etag);

    // Another editor still holds the first ETag.
    const stale = await admin.api.put(`/products/${productId}`, { price: { amount: 1, currency: 'USD' } }, { headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    const after = await api.get(`/products/${productId}`);
    expect(after.body).toEqual(renamed.body);
    expect(after.headers.get('etag')).toBe(newEtag);

    // Without If-Match the update is made (last write wins).
    expect((await admin.api.put(`/products/${productId}`, { description: 'No precondition' })).status).toBe(200);
  });

  it('deletes at the ETag the admin read: a delete decided on a copy someone changed since is 412 and keeps the product', async () => {
    const productId = await newProduct(admin, 3);
    const seen = (await api.get(`/products/${productId}`)).headers.get('etag') as string;
    const repriced = await manager.api.put(`/products/${productId}`, { price: { amount: 1, currency: 'USD' } }, { headers: { 'if-match': seen } });
    expect(repriced.status).toBe(200);

    const stale = await admin.api.delete(`/products/${productId}`, { headers: { 'if-match': seen } });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringContaining(`ETag ${repriced.headers.get('etag')}`) });
    expect((await api.get(`/products/${productId}`)).body).toEqual(repriced.body);

    expect((await admin.api.delete(`/products/${productId}`, { headers: { 'if-match': repriced.headers.get('etag') as string } })).status).toBe(204);
    expect((await api.get(`/products/${productId}`)).status).toBe(404);
  });
});

describe('the stock ledger', () => {
  it('balances after a paid checkout, a cancelled one, and one whose stock was adjusted while it awaited payment', async () => {
    const productId = await newProduct(admin, 10);
    const [ann, bob, cid] = await Promise.all([newCustomer(api), newCustomer(api), newCustomer(api)]);

    const paid = await orderAwaitingPayment(ann, productId, 2);
    expect((await ann.api.post('/payment/process', { orderId: paid.orderId, paymentMethod: TEST_PAYMENT_METHODS.approve })).status).toBe(200);

    const cancelled = await orderAwaitingPayment(bob, productId, 1);
    expect((await bob.api.post(`/orders/${cancelled.orderId}/cancel`)).status).toBe(200);

    const adjustedMeanwhile = await orderAwaitingPayment(cid, productId, 3);
    expect((await adjust(manager, productId, { delta: -4, reason: 'water damage' })).body).toMatchObject({ stockAfter: 1 });
    expect((await adjust(manager, productId, { delta: 2, reason: 'delivery' })).status).toBe(201);
    expect((await cid.api.post('/payment/process', { orderId: adjustedMeanwhile.orderId, paymentMethod: TEST_PAYMENT_METHODS.approve })).status).toBe(200);

    expect((await waitForOrder(ann, paid.orderId, isStatus(...FINAL))).status).toBe('PAID');
    expect((await waitForOrder(bob, cancelled.orderId, isStatus(...FINAL))).status).toBe('CANCELLED');
    expect((await waitForOrder(cid, adjustedMeanwhile.orderId, isStatus(...FINAL))).status).toBe('PAID');

    const ledger = await readStockLedger({ productIds: [productId] });
    expect(ledger.violations).toEqual([]);
    // 10 − 4 + 2 = 8 = 3 available + 0 reserved + 5 sold (the cancelled one came back).
    expect(ledger.products).toEqual([{ productId, initialStock: 10, adjusted: -2, available: 3, reserved: 0, sold: 5, difference: 0 }]);
    expect(await stockOf(api, productId)).toBe(3);
  });
});
