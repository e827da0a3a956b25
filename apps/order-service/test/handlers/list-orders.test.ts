import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { OrderPage } from '@shop/contracts';
import { invokeHandler, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { ordersCursor } from '../../src/domain/cursor';
import { handler } from '../../src/handlers/list-orders';
import { service } from '../../src/service';
import { ANN, ANN_ID, BOB_ID, ORDERS_TABLE, storedOrder, TABLE_INDEXES, TABLE_KEYS, TASK_TOKEN, withOrderServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, TABLE_INDEXES, { grantedTo: [service, 'list-orders'] });
const route = httpRoute(service, 'list-orders');
withOrderServiceEnv();
beforeEach(() => {
  // Another customer's order, newer than all of Ann's: never on her pages.
  db().put(ORDERS_TABLE, storedOrder({ orderId: '99999999-9999-4999-8999-999999999999', userId: BOB_ID, createdAt: '2025-03-09T00:00:00.000Z' }));
});

const list = (query?: Record<string, string>) => invokeHandler<OrderPage>(handler, routeEvent(route, { claims: ANN(), ...(query ? { query } : {}) }));

const newer = storedOrder({ orderId: '11111111-1111-4111-8111-111111111111', createdAt: '2025-03-02T00:00:00.000Z', taskToken: TASK_TOKEN });
const older = storedOrder({ orderId: '22222222-2222-4222-8222-222222222222', createdAt: '2025-03-01T00:00:00.000Z', paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED' });
const lastKey = { orderId: older.orderId, userId: ANN_ID, createdAt: older.createdAt };
/** `count` of Ann's orders, all placed before `older`. */
const earlier = (count: number) =>
  Array.from({ length: count }, (_, i) => storedOrder({ orderId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, createdAt: `2025-02-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` }));

describe('GET /orders', () => {
  it("answers the caller's own orders, newest first, 20 by default, with a cursor for the next page", async () => {
    for (const order of [older, ...earlier(20), newer]) db().put(ORDERS_TABLE, order);

    const res = await list();

    expect(res.status).toBe(200);
    const page = OrderPage.parse(res.body);
    expect(page.items).toHaveLength(20);
    expect(page.items.slice(0, 2).map((o) => o.orderId)).toEqual([newer.orderId, older.orderId]);
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = await list({ cursor: page.nextCursor as string });
    expect(next.body.items.map((o) => o.createdAt)).toEqual(['2025-02-02T00:00:00.000Z', '2025-02-01T00:00:00.000Z']);
    for (const item of res.body.items) {
      for (const internal of ['taskToken', 'paymentEventId', 'paymentOutcome', 'correlationId', 'checkoutStartedAt']) expect(item).not.toHaveProperty(internal);
    }
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: ORDERS_TABLE,
      IndexName: 'by-user',
      KeyConditionExpression: 'userId = :user',
      ExpressionAttributeValues: { ':user': ANN_ID },
      ScanIndexForward: false,
      // One more than the page: whether another page follows.
      Limit: 21,
    });
  });

  it('continues from the cursor it gave out, with the asked page size', async () => {
    for (const order of [older, newer, ...earlier(1)]) db().put(ORDERS_TABLE, order);
    const res = await list({ limit: '1', cursor: ordersCursor.encode(lastKey) });
    expect(res.status).toBe(200);
    expect(res.body.items.map((o) => o.orderId)).toEqual([earlier(1)[0]?.orderId]);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({ Limit: 2, ExclusiveStartKey: lastKey });
    // The page the limit filled exactly is the last: no cursor to an empty page.
    expect(res.body.nextCursor).toBeNull();
  });

  it('answers an empty page to a caller with no orders', async () => {
    expect((await list()).body).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ["another user's cursor", ordersCursor.encode({ ...lastKey, userId: BOB_ID })],
  ])('answers 400 INVALID_CURSOR for %s, and queries nothing', async (_, cursor) => {
    const res = await list({ cursor });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_CURSOR', details: [{ field: 'cursor' }] } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 naming limit for a limit over 100', async () => {
    const res = await list({ limit: '101' });
    expect(res.status).toBe(400);
    expect(ddb.calls()).toHaveLength(0);
  });
});
