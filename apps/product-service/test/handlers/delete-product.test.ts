import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/delete-product';
import { service } from '../../src/service';
import { ADMIN, CUSTOMER, MANAGER, PRODUCT_ID, storedProduct, TABLE, TABLE_KEYS, withProductsTable } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'delete-product'] });
const route = httpRoute(service, 'delete-product');
withProductsTable();
beforeEach(() => {
  db().put(TABLE, storedProduct({ version: 3 }));
});

const remove = (claims: JwtClaims | null = ADMIN(), id = PRODUCT_ID, ifMatch?: string) =>
  invokeHandler(handler, routeEvent(route, { pathParameters: { id }, ...(claims ? { claims } : {}), ...(ifMatch === undefined ? {} : { headers: { 'If-Match': ifMatch } }) }));

describe('DELETE /products/{id}', () => {
  it('soft-deletes for an ADMIN: marks it deleted, takes it out of the listing, moves its version on, answers 204 with no body', async () => {
    const res = await remove();

    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(res.headers['x-correlation-id']).toBeTruthy();
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: TABLE,
      Key: { productId: PRODUCT_ID },
      UpdateExpression: 'SET deletedAt = :now, updatedAt = :now REMOVE listing ADD version :one',
      ConditionExpression: 'attribute_exists(productId) AND attribute_not_exists(deletedAt)',
    });
    expect(input?.ExpressionAttributeValues?.[':now']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const stored = db().get(TABLE, PRODUCT_ID);
    expect(stored).toMatchObject({ deletedAt: input?.ExpressionAttributeValues?.[':now'], updatedAt: input?.ExpressionAttributeValues?.[':now'], version: 4 });
    expect(stored).not.toHaveProperty('listing');
  });

  it('deletes only at the version If-Match names, checked in the write itself', async () => {
    const res = await remove(ADMIN(), PRODUCT_ID, '"2", "3"');

    expect(res.status).toBe(204);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_exists(productId) AND attribute_not_exists(deletedAt) AND (version IN (:version0, :version1))',
      ExpressionAttributeValues: { ':version0': 2, ':version1': 3 },
    });
    expect(db().get(TABLE, PRODUCT_ID)).toMatchObject({ version: 4, deletedAt: expect.any(String) });
  });

  it('answers 412 PRECONDITION_FAILED, naming the current ETag, when the product changed since the caller read it, and deletes nothing', async () => {
    db().put(TABLE, storedProduct({ version: 5, price: { amount: 100, currency: 'EUR' } }));

    const res = await remove(ADMIN(), PRODUCT_ID, '"3"');

    expect(res.status).toBe(412);
    expect(res.body).toEqual({
      error: { code: 'PRECONDITION_FAILED', message: 'The product changed since you read it: it is at ETag "5", not "3". Read it again, then retry.' },
    });
    expect(db().get(TABLE, PRODUCT_ID)).toEqual(storedProduct({ version: 5, price: { amount: 100, currency: 'EUR' } }));
  });

  it('answers 404, not 412, for an unknown or deleted product with If-Match', async () => {
    expect((await remove(ADMIN(), '9b0c7d3e-9f1a-4b2c-8d4e-6f7a8b9c0d1e', '"3"')).status).toBe(404);
    const { listing: _listing, ...unlisted } = storedProduct({ version: 4 });
    db().put(TABLE, { ...unlisted, deletedAt: '2025-02-02T00:00:00.000Z' });
    expect((await remove(ADMIN(), PRODUCT_ID, '"3"')).status).toBe(404);
  });

  it('answers 400 naming if-match for a tag the product could never have, and deletes nothing', async () => {
    const res = await remove(ADMIN(), PRODUCT_ID, 'W/"3"');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ field: 'if-match' }] } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['unknown', '9b0c7d3e-9f1a-4b2c-8d4e-6f7a8b9c0d1e'],
    ['already deleted', PRODUCT_ID],
  ])('answers 404 for an %s product, and changes nothing', async (_case, id) => {
    const { listing: _listing, ...unlisted } = storedProduct();
    db().put(TABLE, { ...unlisted, deletedAt: '2025-02-02T00:00:00.000Z' });
    const before = db().items(TABLE);
    const res = await remove(ADMIN(), id);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Product not found' } });
    expect(db().items(TABLE)).toEqual(before);
  });

  it('answers 401 without a signed-in caller and writes nothing', async () => {
    const res = await remove(null);
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
    expect(db().get(TABLE, PRODUCT_ID)).toEqual(storedProduct({ version: 3 }));
  });

  it.each([
    ['MANAGER', MANAGER],
    ['CUSTOMER', CUSTOMER],
  ])('answers 403 to a %s and writes nothing', async (_, claims) => {
    const res = await remove(claims());
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'FORBIDDEN', message: 'This needs one of the roles ADMIN' } });
    expect(ddb.calls()).toHaveLength(0);
    expect(db().get(TABLE, PRODUCT_ID)).toEqual(storedProduct({ version: 3 }));
  });

  it('answers 400 naming the id when it is not a product id, and writes nothing', async () => {
    const res = await remove(ADMIN(), '42');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ field: 'id' }] } });
    expect(ddb.calls()).toHaveLength(0);
    expect(db().get(TABLE, PRODUCT_ID)).toEqual(storedProduct({ version: 3 }));
  });
});
