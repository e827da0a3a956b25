import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { StockAdjustmentPage } from '@shop/contracts';
import { invokeHandler, type JwtClaims, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { trailCursor } from '../../src/domain/trail-cursor';
import { handler } from '../../src/handlers/list-stock-adjustments';
import { service } from '../../src/service';
import { ADJUSTMENTS_TABLE, ADMIN, ADMIN_ID, CUP, CUSTOMER, MANAGER, MUG, PLATE, PRODUCTS_TABLE, stockedProduct, TABLE_KEYS, withInventoryEnvironment } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'list-stock-adjustments'] });
const route = httpRoute(service, 'list-stock-adjustments');
withInventoryEnvironment();
beforeEach(() => {
  db().put(PRODUCTS_TABLE, stockedProduct(MUG, 6));
  // The mug's trail, and a cup's entry that is never on the mug's pages.
  for (const adjustment of [entry(1), entry(3), entry(2), { ...entry(4), productId: CUP }]) db().put(ADJUSTMENTS_TABLE, adjustment);
});

const entry = (n: number) => {
  const at = `2025-03-0${n}T10:00:00.000Z`;
  const adjustmentId = `0f000000-0000-4000-8000-00000000000${n}`;
  return { productId: MUG, adjustmentKey: `${at}#${adjustmentId}`, adjustmentId, delta: n, reason: `count ${n}`, by: ADMIN_ID, at };
};
const list = (query: Record<string, string> = {}, options: { claims?: JwtClaims | null; id?: string } = {}) => {
  const { claims = MANAGER(), id = MUG } = options;
  return invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { pathParameters: { id }, query, ...(claims ? { claims } : {}) }));
};

describe('GET /products/{id}/stock-adjustments', () => {
  it("answers a page of the product's trail, newest first, without the sort key, and a cursor for the next", async () => {
    const [third, second] = [entry(3), entry(2)];
    const res = await list({ limit: '2' });

    expect(res.status).toBe(200);
    const page = StockAdjustmentPage.parse(res.body);
    expect(page.items.map((i) => i.adjustmentId)).toEqual([third.adjustmentId, second.adjustmentId]);
    expect(page.items[0]).toEqual({ adjustmentId: third.adjustmentId, productId: MUG, delta: 3, reason: 'count 3', by: ADMIN_ID, at: third.at });
    expect(page.nextCursor).toBe(trailCursor.encode({ productId: MUG, adjustmentKey: second.adjustmentKey }));
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: ADJUSTMENTS_TABLE,
      KeyConditionExpression: 'productId = :productId',
      ExpressionAttributeValues: { ':productId': MUG },
      ScanIndexForward: false,
      Limit: 3,
      ConsistentRead: true,
    });
  });

  it('continues where the cursor says, and ends with a null cursor', async () => {
    const cursor = trailCursor.encode({ productId: MUG, adjustmentKey: entry(2).adjustmentKey });
    const res = await list({ cursor }, { claims: ADMIN() });

    expect(res.body).toMatchObject({ items: [{ delta: 1 }], nextCursor: null });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({ Limit: 21, ExclusiveStartKey: { productId: MUG, adjustmentKey: entry(2).adjustmentKey } });
  });

  it('answers the trail of a soft-deleted product: it is history', async () => {
    db().put(PRODUCTS_TABLE, { ...stockedProduct(MUG, 6, false), deletedAt: '2025-03-05T00:00:00.000Z' });
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ items: [{ delta: 3 }, { delta: 2 }, { delta: 1 }], nextCursor: null });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: PRODUCTS_TABLE, Key: { productId: MUG }, ProjectionExpression: 'productId' });
  });

  it('answers 404 for a product that never existed', async () => {
    const res = await list({}, { id: PLATE });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Product not found' } });
  });

  it("answers 400 INVALID_CURSOR to another product's cursor or a tampered one, reading nothing", async () => {
    for (const cursor of [trailCursor.encode({ productId: CUP, adjustmentKey: entry(2).adjustmentKey }), 'bm90LWEtY3Vyc29y']) {
      const res = await list({ cursor });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'INVALID_CURSOR', details: [{ field: 'cursor' }] } });
    }
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 naming limit for a page size out of range', async () => {
    const res = await list({ limit: '101' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ field: 'limit' }] } });
  });

  it('answers 401 without a signed-in caller and 403 to a CUSTOMER, reading nothing', async () => {
    expect((await list({}, { claims: null })).status).toBe(401);
    expect((await list({}, { claims: CUSTOMER() })).status).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });
});
