import { InvokeCommand, type InvokeCommandOutput, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { Cart, CART_MAX_LINES } from '@shop/contracts';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { addRequestHash, CART_ADD_KEYS_KEPT } from '../../src/domain/cart-record';
import { MAX_WRITE_ATTEMPTS } from '../../src/domain/shopping-cart';
import { handler } from '../../src/handlers/add-to-cart';
import { service } from '../../src/service';
import {
  ANN,
  BOB,
  CART_ID,
  catalogAnswer,
  CUP,
  customer,
  GET_PRODUCTS_FUNCTION,
  invokeOutput,
  line,
  MUG,
  product,
  sentPayload,
  storedCart,
  TABLE,
  TABLE_KEYS,
  withCartEnvironment,
} from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'add-to-cart'] });
const lambda = mockClient(LambdaClient);
const route = httpRoute(service, 'add-to-cart');
withCartEnvironment();
beforeEach(() => {
  lambda.reset();
  lambda.on(InvokeCommand).resolves(catalogAnswer([product(MUG), product(CUP, { price: { amount: 450, currency: 'USD' } })]));
});
afterAll(() => {
  lambda.restore();
});

const add = (body: unknown, claims: JwtClaims | null = customer(), headers?: Record<string, string>) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body, ...(claims ? { claims } : {}), ...(headers ? { headers } : {}) }));
/** Another request writes `cart` between this request's read and its write, whose condition then fails. */
const anotherRequestWrites = (cart: ReturnType<typeof storedCart>) => db().beforeNext(PutCommand, () => db().put(TABLE, cart));
const puts = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input);

describe('POST /cart', () => {
  it('creates the caller\'s cart with the product and answers it priced', async () => {
    const res = await add({ productId: MUG, quantity: 2 });

    expect(res.status).toBe(200);
    const cart = Cart.parse(res.body);
    expect(cart.items).toEqual([
      { productId: MUG, name: 'Mug', quantity: 2, unitPrice: { amount: 1299, currency: 'USD' }, lineTotal: { amount: 2598, currency: 'USD' }, available: true },
    ]);
    expect(cart.totals).toEqual({ itemCount: 2, subtotal: { amount: 2598, currency: 'USD' } });

    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { userId: ANN }, ConsistentRead: true });
    const [put] = puts();
    expect(put).toEqual({
      TableName: TABLE,
      Item: { userId: ANN, cartId: cart.cartId, lines: [{ productId: MUG, quantity: 2, addedAt: expect.any(String) }], updatedAt: expect.any(String), version: 1 },
      ConditionExpression: 'attribute_not_exists(userId)',
    });
    expect(db().get(TABLE, ANN)).toEqual(put?.Item);
  });

  it('asks product-service/get-products, RequestResponse, passing the correlation id on', async () => {
    await add({ productId: MUG, quantity: 1 }, customer(), { 'x-correlation-id': 'checkout-7' });

    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: GET_PRODUCTS_FUNCTION, InvocationType: 'RequestResponse' });
    expect(sentPayload(input ?? {})).toEqual({ productIds: [MUG], correlationId: 'checkout-7' });
  });

  it('increments the line of a product already in the cart, writing only over the version it read', async () => {
    db().put(TABLE, storedCart([line(MUG, 3), line(CUP, 1)], { version: 4 }));

    const res = await add({ productId: MUG, quantity: 2 });

    expect(res.status).toBe(200);
    expect(Cart.parse(res.body).items.map((i) => [i.productId, i.quantity])).toEqual([
      [MUG, 5],
      [CUP, 1],
    ]);
    expect(res.body['cartId']).toBe(CART_ID);
    const [put] = puts();
    expect(put?.Item).toMatchObject({ userId: ANN, cartId: CART_ID, lines: [line(MUG, 5), line(CUP, 1)], version: 5 });
    expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 5), line(CUP, 1)], version: 5 });
    expect(put).toMatchObject({
      ConditionExpression: '#version = :read',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':read': 4 },
    });
    // One catalogue call prices the new product and the lines already there.
    expect(sentPayload(lambda.commandCalls(InvokeCommand)[0]?.args[0].input ?? {})).toMatchObject({ productIds: [MUG, CUP] });
  });

  it('only ever reads and writes the cart keyed by the token\'s user', async () => {
    await add({ productId: MUG, quantity: 1 }, customer(BOB));
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({ userId: BOB });
    expect(puts()[0]?.Item).toMatchObject({ userId: BOB });
    expect(db().items(TABLE)).toEqual([expect.objectContaining({ userId: BOB })]);
  });

  it('refuses a body that names a user, and touches nothing', async () => {
    const res = await add({ productId: MUG, quantity: 1, userId: BOB });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ field: 'userId', message: 'unknown field' }] } });
    expect(ddb.calls()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
  });

  it('lets a line reach 99', async () => {
    db().put(TABLE, storedCart([line(MUG, 60)]));
    const res = await add({ productId: MUG, quantity: 39 });
    expect(res.status).toBe(200);
    expect(puts()[0]?.Item?.['lines']).toEqual([line(MUG, 99)]);
  });

  it('answers a cart dearer than one order may be as it is, within its own contract: ordering it is what is refused', async () => {
    lambda.on(InvokeCommand).resolves(catalogAnswer([product(MUG, { price: { amount: 2_000_000, currency: 'USD' } })]));
    const res = await add({ productId: MUG, quantity: 99 });
    expect(res.status).toBe(200);
    expect(Cart.parse(res.body)).toMatchObject({ items: [{ lineTotal: { amount: 198_000_000, currency: 'USD' } }], totals: { subtotal: { amount: 198_000_000, currency: 'USD' } } });
  });

  it('answers 400 naming quantity when the line would pass 99, and writes nothing', async () => {
    db().put(TABLE, storedCart([line(MUG, 60)]));
    const res = await add({ productId: MUG, quantity: 40 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'QUANTITY_LIMIT', details: [{ field: 'quantity', message: 'at most 39 more can be added' }] } });
    expect(puts()).toHaveLength(0);
  });

  it('answers 409 CART_FULL for a 51st product, and writes nothing', async () => {
    const ids = Array.from({ length: CART_MAX_LINES }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    db().put(TABLE, storedCart(ids.map((id) => line(id, 1))));
    lambda.on(InvokeCommand).resolves(catalogAnswer([product(MUG), ...ids.map((id) => product(id))]));

    const res = await add({ productId: MUG, quantity: 1 });

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CART_FULL' } });
    expect(puts()).toHaveLength(0);
  });

  it.each([
    ['unknown', []],
    ['soft-deleted', [product(MUG, { listed: false })]],
  ])('answers 404 PRODUCT_NOT_FOUND for a product that is %s, and writes nothing', async (_case, products) => {
    lambda.on(InvokeCommand).resolves(catalogAnswer(products));
    const res = await add({ productId: MUG, quantity: 1 });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'PRODUCT_NOT_FOUND', message: `Product ${MUG} is not in the catalogue` } });
    expect(puts()).toHaveLength(0);
  });

  it('answers 409 CURRENCY_MISMATCH for a product priced in another currency than the cart', async () => {
    db().put(TABLE, storedCart([line(CUP, 1)]));
    lambda.on(InvokeCommand).resolves(catalogAnswer([product(MUG, { price: { amount: 999, currency: 'EUR' } }), product(CUP)]));
    const res = await add({ productId: MUG, quantity: 1 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CURRENCY_MISMATCH' } });
    expect(puts()).toHaveLength(0);
  });

  it.each([
    ['get-products failed', () => lambda.on(InvokeCommand).resolves(invokeOutput({ errorType: 'InvalidRequest', errorMessage: 'Invalid payload' }, 'Unhandled'))],
    ['the invoke itself failed', () => lambda.on(InvokeCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }))],
    ['get-products answered something else', () => lambda.on(InvokeCommand).resolves(invokeOutput({ items: [] }))],
    ['get-products answered nothing', () => lambda.on(InvokeCommand).resolves({ $metadata: {}, StatusCode: 200 })],
    ['get-products answered what is not JSON', () => lambda.on(InvokeCommand).resolves({ ...invokeOutput(null), Payload: new TextEncoder().encode('<html>') as InvokeCommandOutput['Payload'] })],
  ])('answers 503 CATALOG_UNAVAILABLE when %s, never a cart, and writes nothing', async (_case, arrange) => {
    arrange();
    const res = await add({ productId: MUG, quantity: 1 });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: { code: 'CATALOG_UNAVAILABLE', message: 'The catalogue cannot be reached right now; try again' } });
    expect(res.headers['retry-after']).toBe('1');
    expect(puts()).toHaveLength(0);
  });

  it('keeps a change another request made meanwhile: reads again and reapplies the increment', async () => {
    db().put(TABLE, storedCart([line(MUG, 1)], { version: 2 }));
    anotherRequestWrites(storedCart([line(MUG, 4), line(CUP, 1)], { version: 3 }));
    lambda.on(InvokeCommand).resolvesOnce(catalogAnswer([product(MUG)])).resolves(catalogAnswer([product(CUP, { price: { amount: 450, currency: 'USD' } })]));

    const res = await add({ productId: MUG, quantity: 2 });

    expect(res.status).toBe(200);
    expect(puts().map((p) => [p.Item?.['lines'], p.ExpressionAttributeValues?.[':read']])).toEqual([
      [[line(MUG, 3)], 2],
      [[line(MUG, 6), line(CUP, 1)], 3],
    ]);
    expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 6), line(CUP, 1)], version: 4 });
    // The line the other request added is priced too: the catalogue is asked for it alone.
    expect(Cart.parse(res.body).totals).toEqual({ itemCount: 7, subtotal: { amount: 6 * 1299 + 450, currency: 'USD' } });
    expect(sentPayload(lambda.commandCalls(InvokeCommand)[1]?.args[0].input ?? {})).toMatchObject({ productIds: [CUP] });
  });

  it('applies the limits to the cart it read again', async () => {
    db().put(TABLE, storedCart([line(MUG, 1)], { version: 2 }));
    anotherRequestWrites(storedCart([line(MUG, 98)], { version: 3 }));

    const res = await add({ productId: MUG, quantity: 2 });

    expect(res.status).toBe(400);
    expect(puts()).toHaveLength(1);
    expect(db().get(TABLE, ANN)).toEqual(storedCart([line(MUG, 98)], { version: 3 }));
  });

  it('creates the cart once when two first adds race: the loser adds to the winner\'s cart', async () => {
    anotherRequestWrites(storedCart([line(CUP, 1)], { version: 1 }));
    lambda.on(InvokeCommand).resolves(catalogAnswer([product(MUG), product(CUP)]));

    const res = await add({ productId: MUG, quantity: 1 });

    expect(res.status).toBe(200);
    expect(res.body['cartId']).toBe(CART_ID);
    expect(puts()[1]).toMatchObject({ Item: { cartId: CART_ID, lines: [line(CUP, 1), { productId: MUG, quantity: 1 }], version: 2 }, ExpressionAttributeValues: { ':read': 1 } });
    expect(db().items(TABLE)).toEqual([expect.objectContaining({ cartId: CART_ID, version: 2 })]);
  });

  it('answers 409 CURRENCY_MISMATCH when the race for an empty cart was won by a product in another currency, writing nothing', async () => {
    // Both read no cart; the other request's EUR line gives the cart its currency first.
    anotherRequestWrites(storedCart([line(CUP, 1)], { version: 1 }));
    lambda.on(InvokeCommand).resolvesOnce(catalogAnswer([product(MUG)])).resolves(catalogAnswer([product(CUP, { price: { amount: 450, currency: 'EUR' } })]));

    const res = await add({ productId: MUG, quantity: 1 });

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CURRENCY_MISMATCH', message: 'Your cart is priced in EUR; this product is priced in USD' } });
    expect(puts()).toHaveLength(1);
    expect(db().get(TABLE, ANN)).toEqual(storedCart([line(CUP, 1)], { version: 1 }));
    expect(sentPayload(lambda.commandCalls(InvokeCommand)[1]?.args[0].input ?? {})).toMatchObject({ productIds: [CUP] });
  });

  it(`answers 409 CART_BUSY after ${MAX_WRITE_ATTEMPTS} lost races, with nothing half-written`, async () => {
    db().put(TABLE, storedCart([line(MUG, 1)], { version: 3 }));
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) anotherRequestWrites(storedCart([line(CUP, attempt)], { version: 3 + attempt }));
    const res = await add({ productId: MUG, quantity: 1 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CART_BUSY' } });
    expect(puts()).toHaveLength(MAX_WRITE_ATTEMPTS);
    expect(db().get(TABLE, ANN)).toEqual(storedCart([line(CUP, MAX_WRITE_ATTEMPTS)], { version: 3 + MAX_WRITE_ATTEMPTS }));
  });

  describe('with an Idempotency-Key', () => {
    const KEY = 'add-mug-5d1c7e0b';
    const withKey = (body: unknown, key = KEY, claims: JwtClaims = customer()) => add(body, claims, { 'Idempotency-Key': key });
    /** What the cart remembers of an add made under `key`. */
    const taken = (key: string, productId: string, quantity: number) => ({ key, requestHash: addRequestHash({ productId, quantity }) });

    it('adds once when sent again after a lost answer: the resend answers the cart as it is and writes nothing', async () => {
      db().put(TABLE, storedCart([line(MUG, 1)], { version: 4 }));

      const first = await withKey({ productId: MUG, quantity: 2 });
      const again = await withKey({ productId: MUG, quantity: 2 });

      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body).toEqual(first.body);
      expect(Cart.parse(again.body).items.map((i) => [i.productId, i.quantity])).toEqual([[MUG, 3]]);
      expect(puts()).toHaveLength(1);
      expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 3)], version: 5 });
    });

    it('remembers the key and its request in the same conditional write as the line', async () => {
      db().put(TABLE, storedCart([line(MUG, 1)], { version: 4 }));

      await withKey({ productId: MUG, quantity: 2 });

      const [put] = puts();
      expect(put).toMatchObject({
        Item: { lines: [line(MUG, 3)], version: 5, addKeys: [{ key: KEY, requestHash: expect.stringMatching(/^[0-9a-f]{64}$/) }] },
        ConditionExpression: '#version = :read',
        ExpressionAttributeValues: { ':read': 4 },
      });
    });

    it('answers a resend with the cart as it is now, changing nothing, even after the line was changed and the product left the catalogue', async () => {
      // The add was taken; since then the line was set to 7, and the mug was soft-deleted.
      db().put(TABLE, storedCart([line(MUG, 7), line(CUP, 1)], { version: 6, addKeys: [taken(KEY, MUG, 2)] }));
      lambda.on(InvokeCommand).resolves(catalogAnswer([product(MUG, { listed: false }), product(CUP, { price: { amount: 450, currency: 'USD' } })]));

      const res = await withKey({ productId: MUG, quantity: 2 });

      expect(res.status).toBe(200);
      expect(Cart.parse(res.body)).toMatchObject({ revision: 6, items: [{ productId: MUG, quantity: 7, available: false }, { productId: CUP, quantity: 1 }] });
      expect(puts()).toHaveLength(0);
    });

    it('adds nothing to a cart an order was taken out of since: the resend is not a new add', async () => {
      db().put(TABLE, storedCart([], { version: 6, addKeys: [taken(KEY, MUG, 2)], clearedOrders: ['0d000000-0000-4000-8000-000000000001'] }));

      const res = await withKey({ productId: MUG, quantity: 2 });

      expect(res.status).toBe(200);
      expect(Cart.parse(res.body).items).toEqual([]);
      expect(puts()).toHaveLength(0);
      expect(lambda.calls()).toHaveLength(0);
    });

    it('refuses the key with another product or quantity (422 IDEMPOTENCY_KEY_REUSED), asking and changing nothing', async () => {
      db().put(TABLE, storedCart([line(MUG, 2)], { addKeys: [taken(KEY, MUG, 2)] }));

      for (const other of [{ productId: MUG, quantity: 3 }, { productId: CUP, quantity: 2 }]) {
        const res = await withKey(other);
        expect(res.status).toBe(422);
        expect(res.body).toEqual({
          error: { code: 'IDEMPOTENCY_KEY_REUSED', message: 'This Idempotency-Key was already used to add another product or quantity; use a new key for a new add' },
        });
      }
      expect(puts()).toHaveLength(0);
      expect(lambda.calls()).toHaveLength(0);
    });

    it('adds once when the resend races with its first request: the loser finds its key taken and writes nothing more', async () => {
      db().put(TABLE, storedCart([line(MUG, 1)], { version: 4 }));
      // Both read version 4; the first request's write (with the key) lands in between.
      anotherRequestWrites(storedCart([line(MUG, 3)], { version: 5, addKeys: [taken(KEY, MUG, 2)] }));

      const res = await withKey({ productId: MUG, quantity: 2 });

      expect(res.status).toBe(200);
      expect(Cart.parse(res.body)).toMatchObject({ revision: 5, items: [{ productId: MUG, quantity: 3 }] });
      expect(puts()).toHaveLength(1);
      expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 3)], version: 5 });
    });

    it('answers 422 when a request with the same key and another body won the race, writing nothing', async () => {
      db().put(TABLE, storedCart([line(MUG, 1)], { version: 4 }));
      anotherRequestWrites(storedCart([line(MUG, 2)], { version: 5, addKeys: [taken(KEY, MUG, 1)] }));

      const res = await withKey({ productId: MUG, quantity: 2 });

      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(MUG, 2)], version: 5 });
    });

    it('takes no key for an add it refused, so the same add may simply be sent again', async () => {
      lambda.on(InvokeCommand).resolvesOnce(catalogAnswer([])).resolves(catalogAnswer([product(MUG)]));

      expect((await withKey({ productId: MUG, quantity: 2 })).status).toBe(404);
      const again = await withKey({ productId: MUG, quantity: 2 });

      expect(again.status).toBe(200);
      expect(db().get(TABLE, ANN)).toMatchObject({ lines: [{ productId: MUG, quantity: 2 }], addKeys: [taken(KEY, MUG, 2)] });
    });

    it('adds again under another key: a second press of "Add" is a second add', async () => {
      await withKey({ productId: MUG, quantity: 1 }, 'add-mug-first-press');
      await withKey({ productId: MUG, quantity: 1 }, 'add-mug-second-press');
      expect(db().get(TABLE, ANN)).toMatchObject({ lines: [{ productId: MUG, quantity: 2 }] });
    });

    it('is the caller\'s own: another customer\'s add with the same key adds to their cart', async () => {
      await withKey({ productId: MUG, quantity: 1 });
      const bob = await withKey({ productId: MUG, quantity: 1 }, KEY, customer(BOB));
      expect(bob.status).toBe(200);
      expect(db().get(TABLE, BOB)).toMatchObject({ lines: [{ productId: MUG, quantity: 1 }] });
    });

    it(`remembers the last ${CART_ADD_KEYS_KEPT} keys, oldest first`, async () => {
      const earlier = Array.from({ length: CART_ADD_KEYS_KEPT }, (_, i) => taken(`earlier-add-${String(i).padStart(3, '0')}`, CUP, 1));
      db().put(TABLE, storedCart([line(CUP, CART_ADD_KEYS_KEPT)], { addKeys: earlier }));

      await withKey({ productId: MUG, quantity: 1 });

      expect(db().get(TABLE, ANN)?.['addKeys']).toEqual([...earlier.slice(1), taken(KEY, MUG, 1)]);
    });

    it('answers 400 naming the header for a key that is not 8–128 letters, digits, - or _, and touches nothing', async () => {
      const res = await withKey({ productId: MUG, quantity: 1 }, 'short');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { details: [expect.objectContaining({ field: 'idempotency-key' })] } });
      expect(ddb.calls()).toHaveLength(0);
      expect(lambda.calls()).toHaveLength(0);
    });
  });

  it('adds again when the same add is sent twice without a key, as it always did', async () => {
    await add({ productId: MUG, quantity: 2 });
    await add({ productId: MUG, quantity: 2 });
    expect(db().get(TABLE, ANN)).toEqual(expect.objectContaining({ lines: [{ productId: MUG, quantity: 4, addedAt: expect.any(String) }] }));
    expect(db().get(TABLE, ANN)).not.toHaveProperty('addKeys');
  });

  it('answers 401 without a signed-in caller and touches nothing', async () => {
    const res = await add({ productId: MUG, quantity: 1 }, null);
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
  });

  it.each([
    ['quantity 0', { productId: MUG, quantity: 0 }, 'quantity'],
    ['quantity 100', { productId: MUG, quantity: 100 }, 'quantity'],
    ['a fractional quantity', { productId: MUG, quantity: 1.5 }, 'quantity'],
    ['a quantity that is a string', { productId: MUG, quantity: '2' }, 'quantity'],
    ['no quantity', { productId: MUG }, 'quantity'],
    ['a product id that is not a uuid', { productId: 'mug', quantity: 1 }, 'productId'],
    ['an unknown field', { productId: MUG, quantity: 1, price: 1 }, 'price'],
    ['malformed JSON', '{"productId":', 'body'],
  ])('answers 400 naming the field for %s, and touches nothing', async (_case, body, field) => {
    const res = await add(body);
    expect(res.status).toBe(400);
    const details = (res.body as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
  });
});
