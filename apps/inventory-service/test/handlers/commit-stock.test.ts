import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/commit-stock';
import { service } from '../../src/service';
import { ORDER_ID, RESERVATIONS_TABLE, storedReservation, withInventoryEnvironment } from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
withInventoryEnvironment();
beforeEach(() => {
  ddb.reset();
  ddb.on(UpdateCommand).resolves({});
});
afterAll(() => {
  ddb.restore();
});

const commit = (payload: unknown) => handler(payload, lambdaContext('commit-stock'));
const notReserved = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('inventory-service/commit-stock', () => {
  it('runs as the CommitStock task and touches only reservations', () => {
    const fn = service.functions['commit-stock'];
    expect(fn.triggers).toEqual([{ type: 'state-machine-task', stateMachine: 'checkout-orchestrator/checkout', states: ['CommitStock'] }]);
    expect(fn.permissions).toEqual({ tables: { reservations: ['UpdateItem', 'GetItem'] } });
  });

  it('moves a RESERVED reservation to COMMITTED, conditionally', async () => {
    await expect(commit({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'COMMITTED' });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: RESERVATIONS_TABLE,
      Key: { orderId: ORDER_ID },
      UpdateExpression: 'SET #status = :committed, committedAt = :now',
      ConditionExpression: '#status = :reserved',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':committed': 'COMMITTED', ':reserved': 'RESERVED', ':now': expect.any(String) },
    });
  });

  it('answers COMMITTED again for a reservation committed already', async () => {
    ddb.on(UpdateCommand).rejects(notReserved());
    ddb.on(GetCommand).resolves({ Item: storedReservation({ status: 'COMMITTED' }) });
    await expect(commit({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'COMMITTED' });
  });

  it('throws ReservationReleased for a released reservation', async () => {
    ddb.on(UpdateCommand).rejects(notReserved());
    ddb.on(GetCommand).resolves({ Item: storedReservation({ status: 'RELEASED' }) });
    await expect(commit({ orderId: ORDER_ID })).rejects.toMatchObject({ name: 'ReservationReleased', message: expect.stringContaining(ORDER_ID) });
  });

  it('throws ReservationNotFound for an order that never reserved', async () => {
    ddb.on(UpdateCommand).rejects(notReserved());
    ddb.on(GetCommand).resolves({});
    await expect(commit({ orderId: ORDER_ID })).rejects.toMatchObject({ name: 'ReservationNotFound' });
  });

  it.each([
    ['no orderId', {}],
    ['an orderId that is not a uuid', { orderId: '42' }],
    ['an unknown field', { orderId: ORDER_ID, status: 'COMMITTED' }],
  ])('throws InvalidRequest for %s, and writes nothing', async (_case, payload) => {
    await expect(commit(payload)).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
