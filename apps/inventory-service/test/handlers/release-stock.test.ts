import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/release-stock';
import { service } from '../../src/service';
import {
  cancelled,
  CONFLICT,
  CUP,
  MUG,
  NONE,
  ORDER_ID,
  PRODUCTS_TABLE,
  RESERVATIONS_TABLE,
  stockedProduct,
  storedReservation,
  TABLE_KEYS,
  withInventoryEnvironment,
} from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'release-stock'] });
withInventoryEnvironment();
beforeEach(() => {
  db().put(RESERVATIONS_TABLE, storedReservation());
  db().put(PRODUCTS_TABLE, stockedProduct(MUG, 1));
  db().put(PRODUCTS_TABLE, stockedProduct(CUP, 0));
});

const release = (payload: unknown) => handler(payload, lambdaContext('release-stock'));
const stock = () => db().items(PRODUCTS_TABLE).map((p) => [p['productId'], p['stock']]);
const untouched = () => {
  expect(stock()).toEqual([
    [MUG, 1],
    [CUP, 0],
  ]);
};
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input);

describe('inventory-service/release-stock', () => {
  it('runs as the ReleaseStock task, and for order-service/cancel-order', () => {
    const fn = service.functions['release-stock'];
    expect(fn.triggers).toEqual([
      { type: 'state-machine-task', stateMachine: 'checkout-orchestrator/checkout', states: ['ReleaseStock'] },
      { type: 'invoke', callers: ['order-service/cancel-order'] },
    ]);
    expect(fn.permissions).toEqual({
      tables: { reservations: ['GetItem', 'PutItem', 'UpdateItem'] },
      foreignTables: { 'product-service/products': { actions: ['UpdateItem'], attributes: ['productId', 'stock', 'listing'] } },
    });
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
    expect(stock()).toEqual([
      [MUG, 3],
      [CUP, 1],
    ]);
    expect(db().get(RESERVATIONS_TABLE, ORDER_ID)).toMatchObject({ status: 'RELEASED', releasedAt: expect.any(String) });
  });

  it('answers a second release with RELEASED and gives nothing back again', async () => {
    db().put(RESERVATIONS_TABLE, storedReservation({ status: 'RELEASED' }));
    await expect(release({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });
    expect(transactions()).toHaveLength(0);
    untouched();
  });

  it('answers the current status, without an error, when a concurrent release won the race', async () => {
    // The other release gave the stock back already; this one's transaction then fails on the reservation's status.
    db().beforeNext(TransactWriteCommand, () => {
      db().put(RESERVATIONS_TABLE, storedReservation({ status: 'RELEASED' }));
      db().put(PRODUCTS_TABLE, stockedProduct(MUG, 3));
      db().put(PRODUCTS_TABLE, stockedProduct(CUP, 1));
    });

    await expect(release({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });
    expect(transactions()).toHaveLength(1);
    expect(stock()).toEqual([
      [MUG, 3],
      [CUP, 1],
    ]);
  });

  it('leaves a committed reservation alone and says so', async () => {
    db().put(RESERVATIONS_TABLE, storedReservation({ status: 'COMMITTED' }));
    await expect(release({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'COMMITTED' });
    expect(transactions()).toHaveLength(0);
    untouched();
  });

  it('answers RELEASED for an order that never reserved, giving back nothing, and records it released so that a late reserve takes nothing', async () => {
    const neverReserved = '0a000000-0000-4000-8000-000000000999';
    await expect(release({ orderId: neverReserved, correlationId: 'cancel-1' })).resolves.toEqual({ orderId: neverReserved, status: 'RELEASED' });
    expect(transactions()).toHaveLength(0);
    untouched();
    // reserve-stock's Put is conditional on attribute_not_exists(orderId): this record refuses it (reserve-stock.test.ts).
    expect(db().get(RESERVATIONS_TABLE, neverReserved)).toEqual({
      orderId: neverReserved,
      lines: [],
      status: 'RELEASED',
      createdAt: expect.any(String),
      releasedAt: expect.any(String),
    });

    await expect(release({ orderId: neverReserved })).resolves.toEqual({ orderId: neverReserved, status: 'RELEASED' });
    untouched();
  });

  it('releases a reservation that appears between its read and the release record, rather than hide it', async () => {
    const late = '0a000000-0000-4000-8000-000000000998';
    db().beforeNext(PutCommand, () => db().put(RESERVATIONS_TABLE, storedReservation({ orderId: late })));
    await expect(release({ orderId: late })).resolves.toEqual({ orderId: late, status: 'RELEASED' });
    expect(db().get(RESERVATIONS_TABLE, late)).toMatchObject({ status: 'RELEASED', lines: storedReservation().lines });
    expect(stock()).not.toEqual([
      [MUG, 1],
      [CUP, 0],
    ]);
  });

  it('tries a transaction conflict again within the invocation: the stock comes back once', async () => {
    // DynamoDB's own concurrency control cancels it; the fake applies one call at a time, so it is armed with it.
    db().failNext(TransactWriteCommand, cancelled(NONE, CONFLICT, NONE));
    db().failNext(TransactWriteCommand, cancelled(CONFLICT, NONE, NONE));
    await expect(release({ orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });
    expect(transactions()).toHaveLength(3);
    expect(db().get(RESERVATIONS_TABLE, ORDER_ID)).toMatchObject({ status: 'RELEASED' });
  });

  it('passes conflicts that go on past its four attempts to the caller, to retry later, having changed nothing', async () => {
    for (let i = 0; i < 4; i++) db().failNext(TransactWriteCommand, cancelled(NONE, CONFLICT, NONE));
    await expect(release({ orderId: ORDER_ID })).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(transactions()).toHaveLength(4);
    untouched();
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
