import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { invokeHandler, routeEvent } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as createProduct } from '../../src/handlers/create-product';
import { handler as getProduct } from '../../src/handlers/get-product';
import { handler as deleteProduct } from '../../src/handlers/delete-product';
import { handler as updateProduct } from '../../src/handlers/update-product';
import { service } from '../../src/service';
import { ADMIN, storedProduct } from '../fixtures';
import { LOCAL_TABLES_TEST_TIMEOUT_MS, type LocalTables, startLocalTables } from '@shop/local-cloud';

/**
 * Versions and If-Match on DynamoDB Local: the real condition expressions, `ADD` on an item
 * without a version, and the item DynamoDB hands back when the condition fails.
 */
let local: LocalTables;
let table: string;

beforeAll(async () => {
  local = await startLocalTables([service]);
  table = local.tableName('product-service', 'products');
}, 120_000);

afterAll(async () => {
  await local?.stop();
}, 30_000);

const create = async () =>
  (
    await invokeHandler<{ productId: string }>(
      createProduct,
      routeEvent(httpRoute(service, 'create-product'), { body: { name: 'Mug', price: { amount: 900, currency: 'EUR' }, stock: 5 }, claims: ADMIN() }),
    )
  ).body.productId;
const get = (id: string) => invokeHandler(getProduct, routeEvent(httpRoute(service, 'get-product'), { pathParameters: { id } }));
const put = (id: string, body: unknown, ifMatch?: string) =>
  invokeHandler<Record<string, unknown>>(
    updateProduct,
    routeEvent(httpRoute(service, 'update-product'), { pathParameters: { id }, body, claims: ADMIN(), ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}) }),
  );
const remove = (id: string, ifMatch: string) =>
  invokeHandler(deleteProduct, routeEvent(httpRoute(service, 'delete-product'), { pathParameters: { id }, claims: ADMIN(), headers: { 'if-match': ifMatch } }));
const item = async (productId: string) => (await local.client.send(new GetCommand({ TableName: table, Key: { productId }, ConsistentRead: true }))).Item;

describe('product versions on DynamoDB Local', { timeout: LOCAL_TABLES_TEST_TIMEOUT_MS }, () => {
  it('creates a product at version 1 with its initial stock, and moves the version on with each update', async () => {
    const id = await create();
    expect(await item(id)).toMatchObject({ version: 1, initialStock: 5, stock: 5 });
    expect((await get(id)).headers['etag']).toBe('"1"');

    const first = await put(id, { name: 'Big mug' }, '"1"');
    expect(first.status).toBe(200);
    expect(first.headers['etag']).toBe('"2"');
    expect((await get(id)).headers['etag']).toBe('"2"');
  });

  it('refuses a stale If-Match with 412 and changes nothing', async () => {
    const id = await create();
    await put(id, { name: 'Big mug' });
    const before = await item(id);

    const stale = await put(id, { name: 'Small mug' }, '"1"');

    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: { code: 'PRECONDITION_FAILED', message: expect.stringContaining('ETag "2"') } });
    expect(await item(id)).toEqual(before);
  });

  it('does not move the version when stock changes, as inventory-service changes it', async () => {
    const id = await create();
    await local.client.send(new UpdateCommand({ TableName: table, Key: { productId: id }, UpdateExpression: 'SET stock = stock - :q', ExpressionAttributeValues: { ':q': 2 } }));
    const res = await put(id, { price: { amount: 1000, currency: 'EUR' } }, '"1"');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stock: 3, price: { amount: 1000, currency: 'EUR' } });
  });

  it('answers 404, not 412, for a deleted product, and treats an unversioned item as version 0', async () => {
    const { version: _version, ...unversioned } = storedProduct({ productId: '0e000000-0000-4000-8000-000000000001' });
    await local.client.send(new PutCommand({ TableName: table, Item: unversioned }));
    expect((await get(unversioned.productId)).headers['etag']).toBe('"0"');
    expect((await put(unversioned.productId, { name: 'Renamed' }, '"1"')).status).toBe(412);
    const renamed = await put(unversioned.productId, { name: 'Renamed' }, '"0"');
    expect(renamed.status).toBe(200);
    expect(renamed.headers['etag']).toBe('"1"');

    const { listing: _listing, ...deleted } = storedProduct({ productId: '0e000000-0000-4000-8000-000000000002', deletedAt: '2025-02-02T00:00:00.000Z' });
    await local.client.send(new PutCommand({ TableName: table, Item: deleted }));
    expect((await put(deleted.productId, { name: 'Renamed' }, '"1"')).status).toBe(404);
  });

  it('deletes only at the version If-Match names: a delete decided on a copy an editor has since changed is 412', async () => {
    const id = await create();
    await put(id, { price: { amount: 1, currency: 'EUR' } }, '"1"');
    const before = await item(id);

    const stale = await remove(id, '"1"');
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: { code: 'PRECONDITION_FAILED', message: expect.stringContaining('ETag "2"') } });
    expect(await item(id)).toEqual(before);

    expect((await remove(id, '"2"')).status).toBe(204);
    expect(await item(id)).toMatchObject({ version: 3, deletedAt: expect.any(String) });
    expect((await remove(id, '"3"')).status).toBe(404);
  });
});
