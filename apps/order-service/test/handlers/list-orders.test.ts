import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/common';
import { OrderPage } from '@shop/domain';
import { invokeHandler, routeEvent } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ordersCursor } from '../../src/domain/cursor';
import { handler } from '../../src/handlers/list-orders';
import { service } from '../../src/service';
import { ANN, ANN_ID, BOB_ID, ORDERS_TABLE, storedOrder, TASK_TOKEN, withOrderServiceEnv } from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const route = httpRoute(service, 'list-orders');
withOrderServiceEnv();
beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

const list = (query?: Record<string, string>) => invokeHandler<OrderPage>(handler, routeEvent(route, { claims: ANN(), ...(query ? { query } : {}) }));

const newer = storedOrder({ orderId: '11111111-1111-4111-8111-111111111111', createdAt: '2025-03-02T00:00:00.000Z', taskToken: TASK_TOKEN });
const older = storedOrder({ orderId: '22222222-2222-4222-8222-222222222222', createdAt: '2025-03-01T00:00:00.000Z', paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED' });
const lastKey = { orderId: older.orderId, userId: ANN_ID, createdAt: older.createdAt };

describe('GET /orders', () => {
  it("answers the caller's own orders, newest first, 20 by default, with a cursor for the next page", async () => {
    ddb.on(QueryCommand).resolves({ Items: [newer, older], LastEvaluatedKey: lastKey });

    const res = await list();

    expect(res.status).toBe(200);
    const page = OrderPage.parse(res.body);
    expect(page.items.map((o) => o.orderId)).toEqual([newer.orderId, older.orderId]);
    expect(page.nextCursor).toBe(ordersCursor.encode(lastKey));
    for (const item of res.body.items) {
      for (const internal of ['taskToken', 'paymentEventId', 'paymentOutcome', 'correlationId', 'checkoutStartedAt']) expect(item).not.toHaveProperty(internal);
    }
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: ORDERS_TABLE,
      IndexName: 'by-user',
      KeyConditionExpression: 'userId = :user',
      ExpressionAttributeValues: { ':user': ANN_ID },
      ScanIndexForward: false,
      Limit: 20,
    });
  });

  it('continues from the cursor it gave out, with the asked page size', async () => {
    ddb.on(QueryCommand).resolves({ Items: [older] });
    const res = await list({ limit: '1', cursor: ordersCursor.encode(lastKey) });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({ Limit: 1, ExclusiveStartKey: lastKey });
  });

  it('answers an empty page to a caller with no orders', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
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
