import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendTaskFailureCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { httpRoute } from '@shop/platform';
import { Order, type OrderStatus } from '@shop/contracts';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/cancel-order';
import { service } from '../../src/service';
import { ADMIN, ANN, answered, BOB, failed, functionName, ORDER_ID, ORDERS_TABLE, sentPayload, storedOrder, TABLE_KEYS, TASK_TOKEN, withOrderServiceEnv } from '../fixtures';

const { db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'cancel-order'] });
const lambda = mockClient(LambdaClient);
const sfn = mockClient(SFNClient);
const route = httpRoute(service, 'cancel-order');
withOrderServiceEnv();
beforeEach(() => {
  lambda.reset();
  sfn.reset();
  lambda.on(InvokeCommand).resolves(answered({ orderId: ORDER_ID, status: 'RELEASED' }));
  sfn.on(SendTaskFailureCommand).resolves({});
});
afterAll(() => {
  lambda.restore();
  sfn.restore();
});

const cancel = (claims: JwtClaims = ANN(), orderId = ORDER_ID) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { pathParameters: { orderId }, claims }));
const status = () => db().get(ORDERS_TABLE, ORDER_ID)?.['status'];

describe('POST /orders/{orderId}/cancel', () => {
  it('cancels an order awaiting payment, tells the waiting checkout, releases the stock and answers the order', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN }));

    const res = await cancel();

    expect(res.status).toBe(200);
    expect(Order.parse(res.body)).toMatchObject({ orderId: ORDER_ID, status: 'CANCELLED', reason: 'cancelled by customer' });
    expect(res.body).not.toHaveProperty('taskToken');
    expect(status()).toBe('CANCELLED');
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: TASK_TOKEN, error: 'OrderCancelled', cause: 'cancelled by customer' },
    ]);
    const [release] = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(release?.FunctionName).toBe(functionName('inventory-service/release-stock'));
    expect(sentPayload(release!)).toMatchObject({ orderId: ORDER_ID, correlationId: expect.any(String) });
  });

  it('cancels a PENDING order (no token yet) and still releases the stock directly', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'PENDING' }));
    const res = await cancel();
    expect(res.status).toBe(200);
    expect(status()).toBe('CANCELLED');
    expect(sfn.calls()).toHaveLength(0);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('still answers 200 when the checkout already stopped waiting or the release fails: the order is cancelled', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN }));
    sfn.on(SendTaskFailureCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    lambda.on(InvokeCommand).resolves(failed('Error', 'inventory down'));

    const res = await cancel();

    expect(res.status).toBe(200);
    expect(status()).toBe('CANCELLED');
  });

  it('answers a retried cancel (its first answer lost) as the first, takes its steps again, and writes nothing', async () => {
    const before = storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer', taskToken: TASK_TOKEN });
    db().put(ORDERS_TABLE, before);
    sfn.on(SendTaskFailureCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    const res = await cancel();

    expect(res.status).toBe(200);
    expect(Order.parse(res.body)).toMatchObject({ orderId: ORDER_ID, status: 'CANCELLED', reason: 'cancelled by customer' });
    expect(db().get(ORDERS_TABLE, ORDER_ID)).toEqual(before);
    // The first request may have stopped before telling the checkout or releasing the stock: both again, both idempotent.
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(1);
    expect(lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input.FunctionName)).toEqual([functionName('inventory-service/release-stock')]);
  });

  it.each<[string, Parameters<typeof storedOrder>[0]]>([
    ['PAID', { status: 'PAID', paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED' }],
    ['CANCELLED', { status: 'CANCELLED', reason: 'out of stock' }],
    ['PAYMENT_FAILED', { status: 'PAYMENT_FAILED', reason: 'card declined' }],
    ['awaiting payment with a successful payment recorded', { status: 'AWAITING_PAYMENT', paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED', taskToken: TASK_TOKEN }],
    ['awaiting payment with a declined payment recorded', { status: 'AWAITING_PAYMENT', paymentEventId: 'evt_1', paymentOutcome: 'FAILED' }],
  ])('answers 409 ORDER_NOT_CANCELLABLE for an order %s, and changes nothing', async (_, overrides) => {
    const before = storedOrder(overrides);
    db().put(ORDERS_TABLE, before);

    const res = await cancel();

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'ORDER_NOT_CANCELLABLE' } });
    expect(db().get(ORDERS_TABLE, ORDER_ID)).toEqual(before);
    expect(sfn.calls()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
  });

  it.each<[string, () => JwtClaims]>([
    ['another customer', BOB],
    ['an ADMIN (only the owner cancels)', ADMIN],
  ])("answers 404 to %s, and changes nothing", async (_, claims) => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN }));
    const res = await cancel(claims());
    expect(res.status).toBe(404);
    expect(status()).toBe('AWAITING_PAYMENT' satisfies OrderStatus);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 404 for an order that does not exist', async () => {
    const res = await cancel(ANN(), '00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
  });
});
