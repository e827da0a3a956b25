import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { newProduct } from '../src/checkout';
import { api, cloud } from '../src/cloud';

let admin: SignedInUser;
let customer: SignedInUser;
let productId: string;

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
  customer = await newCustomer(api);
  productId = await newProduct(admin, 100);
});

const fields = (body: { error: { details?: { field: string }[] } }) => (body.error.details ?? []).map((d) => d.field);

describe('cart and checkout refuse bad input with a 4xx, and change nothing', () => {
  it.each([
    ['quantity 0', { quantity: 0 }, 'quantity'],
    ['quantity 100', { quantity: 100 }, 'quantity'],
    ['a fractional quantity', { quantity: 1.5 }, 'quantity'],
    ['a product id that is not a UUID', { productId: 'mug' }, 'productId'],
    ['an unknown field', { price: 1 }, 'price'],
  ])('POST /cart with %s → 400', async (_case, change, field) => {
    const res = await customer.api.post('/cart', { productId, quantity: 1, ...change });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toContain(field);
    expect((await customer.api.get('/cart')).body.items).toEqual([]);
  });

  it('POST /cart with a product that does not exist → 404', async () => {
    const res = await customer.api.post('/cart', { productId: '00000000-0000-4000-8000-000000000000', quantity: 1 });
    expect(res.status).toBe(404);
    expect((await customer.api.get('/cart')).body.items).toEqual([]);
  });

  it('increments a line but never past 99', async () => {
    const shopper = await newCustomer(api);
    expect((await shopper.api.post('/cart', { productId, quantity: 60 })).status).toBe(200);
    const over = await shopper.api.post('/cart', { productId, quantity: 40 });
    expect(over.status).toBe(400);
    expect(fields(over.body)).toContain('quantity');
    const cart = await shopper.api.get('/cart');
    expect(cart.body.items).toMatchObject([{ productId, quantity: 60 }]);
    expect((await shopper.api.delete(`/cart/items/${productId}`)).status).toBe(200);
    expect((await shopper.api.get('/cart')).body.items).toEqual([]);
    expect((await shopper.api.delete(`/cart/items/${productId}`)).status).toBe(404);
  });

  it('sets a line outright with PUT, keeps it in place, refuses a bad quantity or a line not in the cart, and counts each change in the revision', async () => {
    const shopper = await newCustomer(api);
    const other = await newProduct(admin, 10);
    expect((await shopper.api.post('/cart', { productId, quantity: 5 })).status).toBe(200);
    const before = (await shopper.api.post('/cart', { productId: other, quantity: 1 })).body;

    const lowered = await shopper.api.put(`/cart/items/${productId}`, { quantity: 2 });
    expect(lowered.status).toBe(200);
    expect(lowered.body.items.map((i: { productId: string; quantity: number }) => [i.productId, i.quantity])).toEqual([
      [productId, 2],
      [other, 1],
    ]);
    expect(lowered.body.revision).toBe(before.revision + 1);

    for (const quantity of [0, 100, 1.5]) {
      const bad = await shopper.api.put(`/cart/items/${productId}`, { quantity });
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toContain('quantity');
    }
    const absent = await shopper.api.put('/cart/items/00000000-0000-4000-8000-000000000000', { quantity: 1 });
    expect(absent).toMatchObject({ status: 404, body: { error: { code: 'CART_ITEM_NOT_FOUND' } } });
    expect((await shopper.api.get('/cart')).body).toMatchObject({ revision: lowered.body.revision, items: [{ productId, quantity: 2 }, { productId: other, quantity: 1 }] });
    expect((await api.put(`/cart/items/${productId}`, { quantity: 3 })).status).toBe(401);
  });

  it('POST /orders without an Idempotency-Key, or with a bad cart id → 400, and no order', async () => {
    const shopper = await newCustomer(api);
    await shopper.api.post('/cart', { productId, quantity: 1 });
    const { cartId } = (await shopper.api.get('/cart')).body;

    const noKey = await shopper.api.post('/orders', { cartId });
    expect(noKey.status).toBe(400);
    expect(fields(noKey.body)).toContain('idempotency-key');

    const badCart = await shopper.api.post('/orders', { cartId: 'nope' }, { headers: { 'idempotency-key': 'bad-cart-0001' } });
    expect(badCart.status).toBe(400);
    expect(fields(badCart.body)).toContain('cartId');

    expect((await shopper.api.get('/orders')).body.items).toEqual([]);
  });

  it('POST /payment/process with a bad payment method or order id → 400', async () => {
    const bad = await customer.api.post('/payment/process', { orderId: '00000000-0000-4000-8000-000000000000', paymentMethod: '4242 4242 4242 4242' });
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toContain('paymentMethod');
    const noOrder = await customer.api.post('/payment/process', { orderId: 'x', paymentMethod: 'pm_card_approve' });
    expect(noOrder.status).toBe(400);
    expect(fields(noOrder.body)).toContain('orderId');
  });

  it('needs a token for the cart, orders and payment', async () => {
    for (const res of [
      await api.get('/cart'),
      await api.post('/cart', { productId, quantity: 1 }),
      await api.get('/orders'),
      await api.post('/orders', { cartId: productId }, { headers: { 'idempotency-key': 'anon-00001' } }),
      await api.post('/payment/process', { orderId: productId, paymentMethod: 'pm_card_approve' }),
    ]) {
      expect(res.status).toBe(401);
    }
  });
});
