import { httpRoute } from '@shop/platform';
import { invokeHandler, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/get-product';
import { service } from '../../src/service';
import { apiProduct, CUSTOMER, PRODUCT_ID, storedProduct, TABLE, TABLE_KEYS, withProductsTable } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'get-product'] });
const route = httpRoute(service, 'get-product');
withProductsTable();

const get = (id = PRODUCT_ID) => invokeHandler(handler, routeEvent(route, { pathParameters: { id } }));

describe('GET /products/{id}', () => {
  it('answers a listed product to anyone, without internal attributes, and its version as ETag', async () => {
    db().put(TABLE, storedProduct({ version: 3 }));

    const res = await get();

    expect(res.status).toBe(200);
    expect(res.body).toEqual(apiProduct(storedProduct()));
    expect(res.headers['etag']).toBe('"3"');
  });

  it('answers ETag "0" for a product stored before items had versions', async () => {
    const { version: _version, ...unversioned } = storedProduct();
    db().put(TABLE, unversioned);
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers['etag']).toBe('"0"');
  });

  it('answers the same to a signed-in customer', async () => {
    db().put(TABLE, storedProduct());
    const res = await invokeHandler(handler, routeEvent(route, { pathParameters: { id: PRODUCT_ID }, claims: CUSTOMER() }));
    expect(res.status).toBe(200);
  });

  it('finds the product when a client sends its id with the letters in upper case', async () => {
    db().put(TABLE, storedProduct());
    const res = await get(PRODUCT_ID.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body).toEqual(apiProduct(storedProduct()));
  });

  it('answers 404 for an unknown product', async () => {
    db().put(TABLE, storedProduct({ productId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' }));
    const res = await get();
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Product not found' } });
  });

  it('answers 404 for a soft-deleted product', async () => {
    const { listing: _listing, ...unlisted } = storedProduct();
    db().put(TABLE, { ...unlisted, deletedAt: '2025-02-02T00:00:00.000Z' });
    const res = await get();
    expect(res.status).toBe(404);
  });

  it('answers 400 naming the id when it is not a product id, and reads nothing', async () => {
    const res = await get('../etc/passwd');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ field: 'id' }] } });
    expect(ddb.calls()).toHaveLength(0);
  });
});
