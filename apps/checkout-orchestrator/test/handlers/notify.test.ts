import type { Context } from 'aws-lambda';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableEnvVar } from '@shop/common';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/notify';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'shop-test-checkout-orchestrator-notifications';
const ORDER_ID = '0d9b7f4e-1111-4a2b-8c3d-123456789abc';
const context = { awsRequestId: 'req-1', functionName: 'notify' } as Context;

beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
  vi.stubEnv(tableEnvVar('notifications'), TABLE);
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(() => {
  ddb.restore();
});

describe('notify (Notify)', () => {
  it('records that it ran: {orderId, event, notifiedAt}', async () => {
    const answer = await handler({ orderId: ORDER_ID, event: 'OrderPaid', correlationId: 'corr-1' }, context);

    expect(answer).toEqual({ orderId: ORDER_ID, event: 'OrderPaid', notifiedAt: expect.any(String) });
    const [put] = ddb.commandCalls(PutCommand);
    expect(put?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { orderId: ORDER_ID, event: 'OrderPaid', notifiedAt: answer.notifiedAt, correlationId: 'corr-1' },
    });
    expect(Date.parse(answer.notifiedAt)).not.toBeNaN();
  });

  it.each([
    ['an order id that is not a UUID', { orderId: 'x', event: 'OrderPaid' }],
    ['an unknown event', { orderId: ORDER_ID, event: 'OrderShipped' }],
    ['no order id', { event: 'OrderPaid' }],
  ])('refuses %s with InvalidRequest and records nothing', async (_, payload) => {
    await expect(handler(payload, context)).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('fails when the table cannot be written (the state machine retries, then carries on)', async () => {
    ddb.on(PutCommand).rejects(new Error('throttled'));
    await expect(handler({ orderId: ORDER_ID, event: 'OrderPaid' }, context)).rejects.toThrow('throttled');
  });
});
