import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/update-product';
import { service } from '../../src/service';
import { ADMIN, apiProduct, CUSTOMER, MANAGER, PRODUCT_ID, storedProduct, TABLE, TABLE_KEYS, withProductsTable } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'update-product'] });
const route = httpRoute(service, 'update-product');
withProductsTable();
beforeEach(() => {
  db().put(TABLE, storedProduct({ version: 3 }));
});

const UNKNOWN_ID = '9b0c7d3e-9f1a-4b2c-8d4e-6f7a8b9c0d1e';

const update = (body: unknown, options: { claims?: JwtClaims | null; id?: string; ifMatch?: string } = {}) => {
  const { claims = ADMIN(), id = PRODUCT_ID, ifMatch } = options;
  return invokeHandler<Record<string, unknown>>(
    handler,
    routeEvent(route, { pathParameters: { id }, body, ...(claims ? { claims } : {}), ...(ifMatch === undefined ? {} : { headers: { 'If-Match': ifMatch } }) }),
  );
};
const sent = () => ddb.commandCalls(UpdateCommand)[0]?.args[0].input;

describe('PUT /products/{id}', () => {
  it('changes only the given fields, moves the version on, and answers the product with its new ETag', async () => {
    const res = await update({ name: 'Espresso cup', price: { amount: 999, currency: 'EUR' } });

    const after = storedProduct({ price: { amount: 999, currency: 'EUR' }, updatedAt: expect.any(String), version: 4 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(apiProduct(after));
    expect(res.headers['etag']).toBe('"4"');
    expect(db().get(TABLE, PRODUCT_ID)).toEqual({ ...after, updatedAt: res.body['updatedAt'] });
    expect(res.body['updatedAt']).not.toBe(storedProduct().updatedAt);
    expect(sent()).toMatchObject({
      TableName: TABLE,
      Key: { productId: PRODUCT_ID },
      UpdateExpression: 'SET #a0 = :v0, #a1 = :v1, #a2 = :v2 ADD version :one',
      ExpressionAttributeNames: { '#a0': 'name', '#a1': 'price', '#a2': 'updatedAt' },
      ExpressionAttributeValues: { ':one': 1 },
      // Without If-Match: last write wins.
      ConditionExpression: 'attribute_exists(productId) AND attribute_not_exists(deletedAt)',
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(sent()?.UpdateExpression).not.toMatch(/stock|listing|createdAt|REMOVE/);
  });

  it('lets a MANAGER update a product', async () => {
    const res = await update({ name: 'Tea cup' }, { claims: MANAGER() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Tea cup' });
  });

  it('updates only at the version If-Match names, checked in the write itself', async () => {
    const res = await update({ name: 'Tea cup' }, { ifMatch: '"3"' });

    expect(res.status).toBe(200);
    expect(res.headers['etag']).toBe('"4"');
    expect(sent()).toMatchObject({
      ConditionExpression: 'attribute_exists(productId) AND attribute_not_exists(deletedAt) AND (version IN (:version0))',
      ExpressionAttributeValues: { ':version0': 3 },
    });
    expect(db().get(TABLE, PRODUCT_ID)).toMatchObject({ name: 'Tea cup', version: 4 });
  });

  it('takes several tags, and "0" for a product stored before items had versions', async () => {
    const { version: _version, ...unversioned } = storedProduct();
    db().put(TABLE, unversioned);
    const res = await update({ name: 'Tea cup' }, { ifMatch: '"0", "5"' });
    expect(res.headers['etag']).toBe('"1"');
    expect(sent()).toMatchObject({
      ConditionExpression: 'attribute_exists(productId) AND attribute_not_exists(deletedAt) AND (attribute_not_exists(version) OR version IN (:version0))',
      ExpressionAttributeValues: { ':version0': 5 },
    });
  });

  it('takes If-Match: * as "any current version"', async () => {
    const res = await update({ name: 'Tea cup' }, { ifMatch: '*' });
    expect(res.status).toBe(200);
    expect(sent()?.ConditionExpression).toBe('attribute_exists(productId) AND attribute_not_exists(deletedAt)');
  });

  it('answers 412 PRECONDITION_FAILED, naming the current ETag, when the product moved on since the caller read it', async () => {
    db().put(TABLE, storedProduct({ version: 5 }));

    const res = await update({ name: 'Tea cup' }, { ifMatch: '"3"' });

    expect(res.status).toBe(412);
    expect(res.body).toEqual({
      error: {
        code: 'PRECONDITION_FAILED',
        message: 'The product changed since you read it: it is at ETag "5", not "3". Read it again, then retry.',
      },
    });
    // One conditional write, refused by DynamoDB: nothing changed.
    expect(ddb.calls()).toHaveLength(1);
    expect(db().get(TABLE, PRODUCT_ID)).toEqual(storedProduct({ version: 5 }));
  });

  describe('while checkouts are taking its stock (their transactions hold the item: TransactionConflictException)', () => {
    const conflict = () => Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException' });

    it('tries the change again, and makes it', async () => {
      db().failNext(UpdateCommand, conflict());
      const res = await update({ name: 'Espresso cup' });
      expect(res.status).toBe(200);
      expect(res.headers['etag']).toBe('"4"');
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(2);
    });

    it('answers 503 PRODUCT_BUSY with Retry-After, never 500, when they hold it through every attempt; nothing changed', async () => {
      ddb.on(UpdateCommand).rejects(conflict());
      const res = await update({ name: 'Espresso cup' });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toMatchObject({ error: { code: 'PRODUCT_BUSY' } });
      expect(db().get(TABLE, PRODUCT_ID)).toEqual(storedProduct({ version: 3 }));
    });
  });

  it('answers 404 for an unknown product, with or without If-Match', async () => {
    expect((await update({ name: 'Tea cup' }, { id: UNKNOWN_ID })).body).toEqual({ error: { code: 'NOT_FOUND', message: 'Product not found' } });
    expect((await update({ name: 'Tea cup' }, { id: UNKNOWN_ID, ifMatch: '"3"' })).status).toBe(404);
    expect(db().items(TABLE)).toEqual([storedProduct({ version: 3 })]);
  });

  it('answers 404, not 412, for a deleted product', async () => {
    const { listing: _listing, ...deleted } = storedProduct({ version: 4, deletedAt: '2025-02-02T00:00:00.000Z' });
    db().put(TABLE, deleted);
    expect((await update({ name: 'Tea cup' }, { ifMatch: '"3"' })).status).toBe(404);
    expect(db().get(TABLE, PRODUCT_ID)).toEqual(deleted);
  });

  it.each([
    ['alone', { stock: 7 }],
    ['with other fields', { name: 'Tea cup', stock: 7 }],
    ['as 0', { stock: 0 }],
  ])('answers 400 naming stock, pointing to stock adjustments, when the body sets stock %s, and writes nothing', async (_, body) => {
    const res = await update(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        details: [
          {
            field: 'stock',
            message: 'stock cannot be set: it changes by signed deltas, POST /products/{id}/stock-adjustments {delta, reason} with an Idempotency-Key',
          },
        ],
      },
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([['W/"3"'], ['3'], ['"three"']])('answers 400 naming if-match for If-Match %s, and writes nothing', async (ifMatch) => {
    const res = await update({ name: 'Tea cup' }, { ifMatch });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ field: 'if-match' }] } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 401 without a signed-in caller and writes nothing', async () => {
    const res = await update({ name: 'Tea cup' }, { claims: null });
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 403 to a CUSTOMER and writes nothing', async () => {
    const res = await update({ name: 'Tea cup' }, { claims: CUSTOMER() });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['no fields at all', {}, 'body'],
    ['malformed JSON', '{"name":', 'body'],
    ['an unknown field', { name: 'Cup', listing: 'LISTED' }, 'listing'],
    ['a field the API does not let change', { createdAt: '2020-01-01T00:00:00.000Z' }, 'createdAt'],
    ['a negative price', { price: { amount: -100, currency: 'USD' } }, 'price.amount'],
    ['a fractional price', { price: { amount: 1.25, currency: 'USD' } }, 'price.amount'],
    ['a price without currency', { price: { amount: 100 } }, 'price.currency'],
    ['a name over 200 characters', { name: 'n'.repeat(201) }, 'name'],
    ['a null name', { name: null }, 'name'],
  ])('answers 400 naming the field for %s, and writes nothing', async (_, body, field) => {
    const res = await update(body);
    expect(res.status).toBe(400);
    const details = (res.body as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 naming the id when it is not a product id, and writes nothing', async () => {
    const res = await update({ name: 'Tea cup' }, { id: 'not-a-uuid' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ field: 'id' }] } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 413 to a body over 64 KB, and writes nothing', async () => {
    const res = await update({ description: 'd'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(ddb.calls()).toHaveLength(0);
  });
});
