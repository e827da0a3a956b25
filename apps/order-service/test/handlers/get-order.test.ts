import { httpRoute } from '@shop/platform';
import { Order } from '@shop/contracts';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/get-order';
import { service } from '../../src/service';
import { ADMIN, ANN, BOB, ORDER_ID, ORDERS_TABLE, storedOrder, TABLE_KEYS, TASK_TOKEN, withOrderServiceEnv } from '../fixtures';

const { db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'get-order'] });
const route = httpRoute(service, 'get-order');
withOrderServiceEnv();
beforeEach(() => {
  db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN, paymentDueAt: '2025-03-01T10:15:00.000Z' }));
});

const get = (claims: JwtClaims | null, orderId = ORDER_ID) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { pathParameters: { orderId }, ...(claims ? { claims } : {}) }));

describe('GET /orders/{orderId}', () => {
  it('answers the order to its owner, without any internal attribute', async () => {
    const res = await get(ANN());
    expect(res.status).toBe(200);
    expect(Order.parse(res.body)).toMatchObject({ orderId: ORDER_ID, status: 'AWAITING_PAYMENT', paymentDueAt: '2025-03-01T10:15:00.000Z' });
    expect(Object.keys(res.body).sort()).toEqual(['cartId', 'createdAt', 'items', 'orderId', 'paymentDueAt', 'status', 'total', 'updatedAt', 'userId']);
    expect(JSON.stringify(res.body)).not.toContain(TASK_TOKEN);
  });

  it('answers any order to an ADMIN', async () => {
    expect((await get(ADMIN())).status).toBe(200);
  });

  it("answers 404 for another user's order, exactly as for an order that does not exist", async () => {
    const other = await get(BOB());
    const missing = await get(ANN(), '00000000-0000-4000-8000-000000000000');
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.body).toEqual(missing.body);
  });

  it('answers 400 for an order id that is not a UUID, and 401 without a caller', async () => {
    expect((await get(ANN(), 'nope')).status).toBe(400);
    expect((await get(null)).status).toBe(401);
  });
});
