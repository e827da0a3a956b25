import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import type { Cart } from '@shop/contracts';
import { invokeHandler, lambdaContext, routeEvent } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as addToCart } from '../../src/handlers/add-to-cart';
import { handler as clearCart } from '../../src/handlers/clear-cart';
import { handler as getCart } from '../../src/handlers/get-cart';
import { handler as readCart } from '../../src/handlers/read-cart';
import { service } from '../../src/service';
import { catalogAnswer, CUP, customer, GET_PRODUCTS_FUNCTION, MUG, product } from '../fixtures';
import { LOCAL_TABLES_TEST_TIMEOUT_MS, type LocalTables, startLocalTables } from '@shop/local-cloud';

/**
 * The cart on DynamoDB Local: the conditional writes on `version` really keep every concurrent
 * change. The catalogue (another service) is the only thing stubbed.
 */

let local: LocalTables;
const lambda = mockClient(LambdaClient);
const ids = Array.from({ length: 5 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

beforeAll(async () => {
  local = await startLocalTables([service]);
  process.env['PRODUCT_SERVICE_GET_PRODUCTS_FUNCTION'] = GET_PRODUCTS_FUNCTION;
  lambda.on(InvokeCommand).resolves(catalogAnswer([product(MUG), product(CUP), ...ids.map((id) => product(id))]));
}, 120_000);

afterAll(async () => {
  lambda.restore();
  await local?.stop();
}, 30_000);

const user = (n: number) => `d0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const add = (userId: string, productId: string, quantity = 1, idempotencyKey?: string) =>
  invokeHandler<Cart>(
    addToCart,
    routeEvent(httpRoute(service, 'add-to-cart'), {
      claims: customer(userId),
      body: { productId, quantity },
      ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
    }),
  );
const view = (userId: string) => invokeHandler<Cart>(getCart, routeEvent(httpRoute(service, 'get-cart'), { claims: customer(userId) }));
const stored = async (userId: string) =>
  (await local.client.send(new GetCommand({ TableName: local.tableName('cart-service', 'carts'), Key: { userId }, ConsistentRead: true }))).Item;

describe('the cart on DynamoDB Local', { timeout: LOCAL_TABLES_TEST_TIMEOUT_MS }, () => {
  it('keeps every one of 10 concurrent increments of one line', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => add(user(1), MUG)));

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect((await stored(user(1)))?.['lines']).toEqual([{ productId: MUG, quantity: 10, addedAt: expect.any(String) }]);
    expect((await view(user(1))).body.items).toMatchObject([{ productId: MUG, quantity: 10 }]);
  });

  it('makes one cart when a new user adds five products at once', async () => {
    const answers = await Promise.all(ids.map((id) => add(user(2), id, 2)));

    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
    expect(new Set(answers.map((a) => a.body.cartId)).size).toBe(1);
    const cart = await stored(user(2));
    expect((cart?.['lines'] as { productId: string }[]).map((l) => l.productId).sort()).toEqual([...ids].sort());
    expect(cart?.['version']).toBe(5);
  });

  it('gives a user one cart id from their first look on, which checkout reads too', async () => {
    expect(await readCart({ userId: user(3) }, lambdaContext())).toEqual({ cartId: null, userId: user(3), lines: [], revision: 0 });

    const first = await Promise.all([view(user(3)), view(user(3))]);
    const cartId = first[0].body.cartId;
    expect(first[1].body.cartId).toBe(cartId);
    expect((await add(user(3), MUG, 3)).body.cartId).toBe(cartId);
    // The revision checkout reads is the one the customer was shown.
    const shown = (await view(user(3))).body.revision;
    expect(await readCart({ userId: user(3) }, lambdaContext())).toEqual({ cartId, userId: user(3), lines: [{ productId: MUG, quantity: 3 }], revision: shown });
  });

  it('keeps each user\'s cart to themselves', async () => {
    await add(user(4), MUG, 1);
    await add(user(5), MUG, 7);
    expect((await view(user(4))).body.items).toMatchObject([{ quantity: 1 }]);
    expect((await view(user(5))).body.items).toMatchObject([{ quantity: 7 }]);
    expect((await view(user(4))).body.cartId).not.toBe((await view(user(5))).body.cartId);
  });

  it('takes a placed order out of the cart once, keeping every add that raced with it', async () => {
    await add(user(6), MUG, 2);
    const { cartId } = (await add(user(6), CUP, 1)).body;
    const placed = { userId: user(6), cartId, orderId: '0d000000-0000-4000-8000-000000000006', lines: [{ productId: MUG, quantity: 2 }, { productId: CUP, quantity: 1 }] };

    const [cleared, ...adds] = await Promise.all([clearCart(placed, lambdaContext()), ...Array.from({ length: 5 }, () => add(user(6), MUG))]);

    expect(cleared).toEqual({ cleared: true });
    expect(adds.map((a) => a.status)).toEqual(Array(5).fill(200));
    // Two adds, the clear and five adds: eight writes, each a revision.
    expect(await readCart({ userId: user(6) }, lambdaContext())).toEqual({ cartId, userId: user(6), lines: [{ productId: MUG, quantity: 5 }], revision: 8 });
    expect((await view(user(6))).body.revision).toBe(8);

    expect(await clearCart(placed, lambdaContext())).toEqual({ cleared: false });
    expect(await clearCart({ ...placed, cartId: ids[0] }, lambdaContext())).toEqual({ cleared: false });
    expect((await stored(user(6)))?.['lines']).toEqual([{ productId: MUG, quantity: 5, addedAt: expect.any(String) }]);
  });

  it('adds once when one add is sent five times at once under one Idempotency-Key', async () => {
    await add(user(7), CUP, 1);

    const answers = await Promise.all(Array.from({ length: 5 }, () => add(user(7), MUG, 2, 'add-mug-at-once-7')));

    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
    // The add and the one before it: two writes, whichever request made the second.
    expect(answers.map((a) => a.body.revision)).toEqual(Array(5).fill(2));
    const cart = await stored(user(7));
    expect(cart?.['lines']).toEqual([
      { productId: CUP, quantity: 1, addedAt: expect.any(String) },
      { productId: MUG, quantity: 2, addedAt: expect.any(String) },
    ]);
    expect(cart?.['addKeys']).toEqual([{ key: 'add-mug-at-once-7', requestHash: expect.any(String) }]);

    // Sent once more, later: still nothing more.
    expect((await add(user(7), MUG, 2, 'add-mug-at-once-7')).body.items).toMatchObject([{ productId: CUP }, { productId: MUG, quantity: 2 }]);
    expect((await stored(user(7)))?.['version']).toBe(2);
  });
});
