import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { ProductPage } from '@shop/contracts';
import { invokeHandler, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { listingCursor } from '../../src/domain/cursor';
import { handler } from '../../src/handlers/list-products';
import { service } from '../../src/service';
import { storedProduct, TABLE, TABLE_INDEXES, TABLE_KEYS, withProductsTable } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, TABLE_INDEXES, { grantedTo: [service, 'list-products'] });
const route = httpRoute(service, 'list-products');
withProductsTable();
beforeEach(() => {
  // A soft-deleted product is out of the listing index: no page ever shows it.
  const { listing: _listing, ...deleted } = storedProduct({ productId: '99999999-9999-4999-8999-999999999999', createdAt: '2025-01-03T00:00:00.000Z' });
  db().put(TABLE, { ...deleted, deletedAt: '2025-01-04T00:00:00.000Z' });
});

const list = (query?: Record<string, string>) => invokeHandler<ProductPage>(handler, routeEvent(route, query ? { query } : {}));

const newer = storedProduct({ productId: '11111111-1111-4111-8111-111111111111', createdAt: '2025-01-02T00:00:00.000Z' });
const older = storedProduct({ productId: '22222222-2222-4222-8222-222222222222', createdAt: '2025-01-01T00:00:00.000Z' });
const lastKey = { productId: older.productId, listing: 'LISTED' as const, createdAt: older.createdAt };
/** `count` listed products, all created before `older`. */
const earlier = (count: number) =>
  Array.from({ length: count }, (_, i) => storedProduct({ productId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, createdAt: `2024-12-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` }));

describe('GET /products', () => {
  it('answers the newest listed products first, 20 by default, with a cursor for the next page', async () => {
    for (const product of [older, ...earlier(20), newer]) db().put(TABLE, product);

    const res = await list();

    expect(res.status).toBe(200);
    const page = ProductPage.parse(res.body);
    expect(page.items).toHaveLength(20);
    expect(page.items.slice(0, 2).map((p) => p.productId)).toEqual([newer.productId, older.productId]);
    expect(res.body.items[0]).not.toHaveProperty('listing');
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = await list({ cursor: page.nextCursor as string });
    expect(next.body.items.map((p) => p.createdAt)).toEqual(['2024-12-02T00:00:00.000Z', '2024-12-01T00:00:00.000Z']);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: 'by-listing',
      KeyConditionExpression: 'listing = :listed',
      ExpressionAttributeValues: { ':listed': 'LISTED' },
      ScanIndexForward: false,
      // One more than the page: whether another page follows.
      Limit: 21,
    });
  });

  it('continues from the cursor it gave out, with the asked page size', async () => {
    for (const product of [older, newer, ...earlier(1)]) db().put(TABLE, product);

    const res = await list({ limit: '2', cursor: listingCursor.encode({ productId: newer.productId, listing: 'LISTED', createdAt: newer.createdAt }) });

    expect(res.status).toBe(200);
    expect(res.body.items.map((p) => p.productId)).toEqual([older.productId, earlier(1)[0]?.productId]);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({ Limit: 3, ExclusiveStartKey: { productId: newer.productId, listing: 'LISTED', createdAt: newer.createdAt } });
    // The page the limit filled exactly is the last: no cursor to an empty page.
    expect(res.body.nextCursor).toBeNull();
  });

  it('answers an empty page when nothing is listed', async () => {
    const res = await list();
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64url that is not JSON', Buffer.from('hello').toString('base64url')],
    ['a key with an extra attribute', Buffer.from(JSON.stringify({ ...lastKey, stock: 0 })).toString('base64url')],
    ['a key for another partition', Buffer.from(JSON.stringify({ ...lastKey, listing: 'DELETED' })).toString('base64url')],
  ])('answers 400 naming the cursor for %s, and queries nothing', async (_, cursor) => {
    const res = await list({ cursor });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_CURSOR', details: [{ field: 'cursor' }] } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['a limit of 0', { limit: '0' }, 'limit'],
    ['a limit over 100', { limit: '101' }, 'limit'],
    ['a limit that is not a number', { limit: 'ten' }, 'limit'],
    ['a fractional limit', { limit: '2.5' }, 'limit'],
    ['an unknown parameter', { sort: 'price' }, 'sort'],
  ])('answers 400 naming the parameter for %s, and queries nothing', async (_, query, field) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    const details = (res.body as unknown as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
  });
});
