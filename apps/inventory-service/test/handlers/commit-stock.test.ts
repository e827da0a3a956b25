import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/commit-stock';
import { service } from '../../src/service';
import { ORDER_ID, RESERVATIONS_TABLE, storedReservation, TABLE_KEYS, withInventoryEnvironment } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'commit-stock'] });
withInventoryEnvironment();

const commit = (payload: unknown) => handler(payload, lambdaContext('commit-stock'));
const reservation = () => db().get(RESERVATIONS_TABLE, ORDER_ID);

describe('inventory-service/commit-stock', () => {
  it('runs as the CommitStock task and touches only reservations', () => {
    const fn = service.functions['commit-stock'];
    expect(fn.triggers).toEqual([{ type: 'state-machine-task', stateMachine: 'checkout-orchestrator/checkout', states: ['CommitStock'] }]);
    expect(fn.permissions).toEqual({ tables: { reservations: ['UpdateItem', 'GetItem'] } });
  });

  it('moves a RESERVED reservation to COMMITTED, conditionally', async () => {
    db().put(RESERVATIONS_TABLE, storedReservation());
    await expect(commit({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'COMMITTED' });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: RESERVATIONS_TABLE,
      Key: { orderId: ORDER_ID },
      UpdateExpression: 'SET #status = :committed, committedAt = :now',
      ConditionExpression: '#status = :reserved',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':committed': 'COMMITTED', ':reserved': 'RESERVED', ':now': expect.any(String) },
    });
    expect(reservation()).toEqual({ ...storedReservation(), status: 'COMMITTED', committedAt: expect.any(String) });
  });

  it('answers COMMITTED again for a reservation committed already', async () => {
    const committed = storedReservation({ status: 'COMMITTED' });
    db().put(RESERVATIONS_TABLE, committed);
    await expect(commit({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'COMMITTED' });
    expect(reservation()).toEqual(committed);
  });

  it('throws ReservationReleased for a released reservation', async () => {
    db().put(RESERVATIONS_TABLE, storedReservation({ status: 'RELEASED' }));
    await expect(commit({ orderId: ORDER_ID })).rejects.toMatchObject({ name: 'ReservationReleased', message: expect.stringContaining(ORDER_ID) });
    expect(reservation()).toEqual(storedReservation({ status: 'RELEASED' }));
  });

  it('throws ReservationNotFound for an order that never reserved', async () => {
    await expect(commit({ orderId: ORDER_ID })).rejects.toMatchObject({ name: 'ReservationNotFound' });
    expect(db().items(RESERVATIONS_TABLE)).toEqual([]);
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
