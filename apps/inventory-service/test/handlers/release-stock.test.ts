import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/release-stock';
import { service } from '../../src/service';
import {
  cancelled,
  conditionFailed,
  CONFLICT,
  CUP,
  MUG,
  NONE,
  ORDER_ID,
  PRODUCTS_TABLE,
  RESERVATIONS_TABLE,
  storedReservation,
  withInventoryEnvironment,
} from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
withInventoryEnvironment();
beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: storedReservation() });
  ddb.on(TransactWriteCommand).resolves({});
});
afterAll(() => {
  ddb.restore();
});

const release = (payload: unknown) => handler(payload, lambdaContext('release-stock'));
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input);

describe('inventory-service/release-stock', () => {
  it('runs as the ReleaseStock task, and for order-service/cancel-order', () => {
    const fn = service.functions['release-stock'];
    expect(fn.triggers).toEqual([
      { type: 'state-machine-task', stateMachine: 'checkout-orchestrator/checkout', states: ['ReleaseStock'] },
      { type: 'invoke', callers: ['order-service/cancel-order'] },
    ]);
    expect(fn.permissions).toEqual({ tables: { reservations: ['GetItem', 'UpdateItem'] }, foreignTables: { 'product-service/products': { actions: ['UpdateItem'], attributes: ['productId', 'stock', 'listing'] } } });
  });

  it('marks the reservation RELEASED and gives every line\'s stock back in one transaction', async () => {
    await expect(release({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });

    expect(transactions()).toEqual([
      {
        TransactItems: [
          {
            Update: {
              TableName: RESERVATIONS_TABLE,
              Key: { orderId: ORDER_ID },
              UpdateExpression: 'SET #status = :released, releasedAt = :now',
              ConditionExpression: '#status = :reserved',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':released': 'RELEASED', ':reserved': 'RESERVED', ':now': expect.any(String) },
            },
          },
          {
            Update: {
              TableName: PRODUCTS_TABLE,
              Key: { productId: MUG },
              UpdateExpression: 'SET stock = stock + :q',
              ConditionExpression: 'attribute_exists(productId)',
              ExpressionAttributeValues: { ':q': 2 },
            },
          },
          {
            Update: {
              TableName: PRODUCTS_TABLE,
              Key: { productId: CUP },
              UpdateExpression: 'SET stock = stock + :q',
              ConditionExpression: 'attribute_exists(productId)',
              ExpressionAttributeValues: { ':q': 1 },
            },
          },
        ],
      },
    ]);
  });

  it('answers a second release with RELEASED and gives nothing back again', async () => {
    ddb.on(GetCommand).resolves({ Item: storedReservation({ status: 'RELEASED' }) });
    await expect(release({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });
    expect(transactions()).toHaveLength(0);
  });

  it('answers the current status, without an error, when a concurrent release won the race', async () => {
    ddb.on(GetCommand).resolvesOnce({ Item: storedReservation() }).resolves({ Item: storedReservation({ status: 'RELEASED' }) });
    ddb.on(TransactWriteCommand).rejects(cancelled(conditionFailed(), NONE, NONE));

    await expect(release({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });
    expect(transactions()).toHaveLength(1);
  });

  it('leaves a committed reservation alone and says so', async () => {
    ddb.on(GetCommand).resolves({ Item: storedReservation({ status: 'COMMITTED' }) });
    await expect(release({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'COMMITTED' });
    expect(transactions()).toHaveLength(0);
  });

  it('answers RELEASED, changing nothing, for an order that never reserved', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(release({ orderId: ORDER_ID, correlationId: 'cancel-1' })).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });
    expect(transactions()).toHaveLength(0);
  });

  it('passes a transaction conflict on, for the caller to retry', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(NONE, CONFLICT, NONE));
    await expect(release({ orderId: ORDER_ID })).rejects.toMatchObject({ name: 'TransactionCanceledException' });
  });

  it.each([
    ['no orderId', {}],
    ['an orderId that is not a uuid', { orderId: 'x' }],
    ['lines the reservation already knows', { orderId: ORDER_ID, lines: [] }],
  ])('throws InvalidRequest for %s, and touches nothing', async (_case, payload) => {
    await expect(release(payload)).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
