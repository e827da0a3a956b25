import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { Product } from '@shop/contracts';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/create-product';
import { service } from '../../src/service';
import { ADMIN, CUSTOMER, MANAGER, storedProduct, TABLE, TABLE_KEYS, withProductsTable } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'create-product'] });
const route = httpRoute(service, 'create-product');
withProductsTable();

const mug = { name: 'Mug', description: 'Stoneware, 300 ml', price: { amount: 1299, currency: 'USD' }, stock: 40 };
const create = (body: unknown, claims: JwtClaims | null = ADMIN(), headers?: Record<string, string>) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body, ...(claims ? { claims } : {}), ...(headers ? { headers } : {}) }));

describe('POST /products', () => {
  it('creates a product for an ADMIN and answers 201 with it', async () => {
    const res = await create(mug);

    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    const product = Product.parse(res.body);
    expect(product).toMatchObject(mug);
    expect(product.createdAt).toBe(product.updatedAt);
    expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'description', 'name', 'price', 'productId', 'stock', 'updatedAt']);

    const [put] = ddb.commandCalls(PutCommand);
    expect(put?.args[0].input).toEqual({
      TableName: TABLE,
      // Version 1 for If-Match; the opening stock kept as where the product's stock ledger starts.
      Item: { ...product, listing: 'LISTED', version: 1, initialStock: 40 },
      ConditionExpression: 'attribute_not_exists(productId)',
    });
    expect(db().items(TABLE)).toEqual([{ ...product, listing: 'LISTED', version: 1, initialStock: 40 }]);
  });

  it('lets a MANAGER create a product too', async () => {
    const res = await create(mug, MANAGER());
    expect(res.status).toBe(201);
  });

  it('gives each product its own id', async () => {
    const first = await create(mug);
    const second = await create(mug);
    expect(first.body['productId']).not.toBe(second.body['productId']);
    expect(db().items(TABLE)).toHaveLength(2);
  });

  it('defaults the description to empty and trims the name', async () => {
    const res = await create({ name: '  Mug  ', price: { amount: 0, currency: 'EUR' }, stock: 0 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Mug', description: '' });
  });

  it('echoes the caller\'s correlation id, or answers with the request id as one', async () => {
    const offered = await create(mug, ADMIN(), { 'X-Correlation-Id': 'checkout-42' });
    expect(offered.headers['x-correlation-id']).toBe('checkout-42');

    const event = routeEvent(route, { body: mug, claims: ADMIN() });
    const minted = await invokeHandler(handler, event);
    expect(minted.headers['x-correlation-id']).toBe(event.requestContext.requestId);
  });

  it('answers 401 without a signed-in caller and writes nothing', async () => {
    const res = await create(mug, null);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Authentication is required' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 403 to a CUSTOMER and writes nothing', async () => {
    const res = await create(mug, CUSTOMER());
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  const badBodies: [string, unknown, string][] = [
    ['malformed JSON', '{"name": "Mug",', 'body'],
    ['a JSON array', [mug], 'body'],
    ['a price that is a string', { ...mug, price: '12.99' }, 'price'],
    ['a stock that is a string', { ...mug, stock: '40' }, 'stock'],
    ['a missing name', { description: 'x', price: mug.price, stock: 1 }, 'name'],
    ['a missing price', { name: 'Mug', stock: 1 }, 'price'],
    ['an unknown field', { ...mug, discount: 10 }, 'discount'],
    ['an unknown field inside the price', { ...mug, price: { ...mug.price, tax: 1 } }, 'price.tax'],
    ['a blank name', { ...mug, name: '   ' }, 'name'],
    ['a name over 200 characters', { ...mug, name: 'n'.repeat(201) }, 'name'],
    ['a negative stock', { ...mug, stock: -1 }, 'stock'],
    ['a fractional stock', { ...mug, stock: 1.5 }, 'stock'],
    ['a negative price', { ...mug, price: { amount: -1, currency: 'USD' } }, 'price.amount'],
    ['a fractional price', { ...mug, price: { amount: 12.99, currency: 'USD' } }, 'price.amount'],
    ['an unknown currency', { ...mug, price: { amount: 1299, currency: 'BTC' } }, 'price.currency'],
  ];

  it.each(badBodies)('answers 400 naming the field for %s, and writes nothing', async (_, body, field) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    const error = (res.body as { error: { code: string; message: string; details: { field: string }[] } }).error;
    expect(error.details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 to an empty body', async () => {
    const res = await invokeHandler(handler, routeEvent(route, { claims: ADMIN() }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'BODY_REQUIRED' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 413 to a body over 64 KB, and writes nothing', async () => {
    const res = await create({ ...mug, description: 'x'.repeat(65 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  describe('with an Idempotency-Key', () => {
    const KEY = 'new-mug-7f3a9c';
    const withKey = (body: unknown, claims: JwtClaims = ADMIN(), key = KEY) => create(body, claims, { 'Idempotency-Key': key });

    it('answers a retry after a lost answer with the product the first request made, and makes no second one', async () => {
      const first = await withKey(mug);
      expect(first.status).toBe(201);
      const again = await withKey(mug);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(db().items(TABLE)).toHaveLength(1);
      // The key is remembered on the product, never shown in the API's Product.
      expect(db().items(TABLE)[0]).toHaveProperty('requestHash');
      expect(Object.keys(again.body)).not.toContain('requestHash');
    });

    it('answers the product as it is now when it changed since', async () => {
      const first = await withKey(mug);
      db().put(TABLE, { ...db().items(TABLE)[0], price: { amount: 1499, currency: 'USD' } });
      const again = await withKey(mug);
      expect(again.body).toMatchObject({ productId: first.body['productId'], price: { amount: 1499, currency: 'USD' } });
    });

    it('refuses the key with another product (422 IDEMPOTENCY_KEY_REUSED), and changes nothing', async () => {
      const first = await withKey(mug);
      const other = await withKey({ ...mug, stock: 41 });
      expect(other.status).toBe(422);
      expect(other.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      expect(db().items(TABLE)).toEqual([expect.objectContaining({ productId: first.body['productId'], stock: 40 })]);
    });

    it('is the caller’s own: another editor’s request with the same key makes another product', async () => {
      const admin = await withKey(mug);
      const manager = await withKey(mug, MANAGER());
      expect(manager.status).toBe(201);
      expect(manager.body['productId']).not.toBe(admin.body['productId']);
      expect(db().items(TABLE)).toHaveLength(2);
    });

    it('answers 400 naming the header for a key that is not 8–128 letters, digits, - or _, and writes nothing', async () => {
      const res = await withKey(mug, ADMIN(), 'short');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { details: [expect.objectContaining({ field: 'idempotency-key' })] } });
      expect(ddb.calls()).toHaveLength(0);
    });
  });

  it('answers 409, not 500, if the new id is somehow taken', async () => {
    // Another product holds the id drawn for this one by the time it is written.
    db().beforeNext(PutCommand, (input) => db().put(TABLE, storedProduct({ productId: input.Item?.['productId'] as string })));
    const res = await create(mug);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(db().items(TABLE)).toEqual([expect.objectContaining({ name: storedProduct().name })]);
  });
});
