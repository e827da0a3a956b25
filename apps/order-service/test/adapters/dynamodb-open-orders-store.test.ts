import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { dynamoOpenOrdersStore } from '../../src/adapters/dynamodb-open-orders-store';
import type { OpenOrdersRecord } from '../../src/domain/open-orders';
import { service } from '../../src/service';
import { ANN_ID, BOB_ID, OPEN_ORDERS_TABLE, TABLE_KEYS, withOrderServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'create-order'] });
withOrderServiceEnv();

const AT = '2026-03-01T10:00:00.000Z';
const record = (version: number, orderIds: readonly string[], userId = ANN_ID): OpenOrdersRecord => ({
  userId,
  orders: orderIds.map((orderId) => ({ orderId, countedAt: AT })),
  version,
  updatedAt: AT,
});

describe('dynamoOpenOrdersStore', () => {
  it("reads a customer's record strongly consistent, and nothing before their first order", async () => {
    const store = dynamoOpenOrdersStore();
    expect(await store.get(ANN_ID)).toBeUndefined();
    db().put(OPEN_ORDERS_TABLE, record(2, ['o-1', 'o-2']));

    expect(await store.get(ANN_ID)).toEqual(record(2, ['o-1', 'o-2']));
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: OPEN_ORDERS_TABLE, Key: { userId: ANN_ID }, ConsistentRead: true },
      { TableName: OPEN_ORDERS_TABLE, Key: { userId: ANN_ID }, ConsistentRead: true },
    ]);
  });

  it('writes the first record only if there is none yet', async () => {
    const store = dynamoOpenOrdersStore();
    expect(await store.save(record(1, ['o-1']))).toBe(true);
    // Another checkout of Ann's wrote her first record first.
    expect(await store.save(record(1, ['o-2']))).toBe(false);
    expect(db().get(OPEN_ORDERS_TABLE, ANN_ID)).toEqual(record(1, ['o-1']));
  });

  it('writes a record only on the version before it, and changes nothing for a write that lost the race', async () => {
    const store = dynamoOpenOrdersStore();
    db().put(OPEN_ORDERS_TABLE, record(3, ['o-1', 'o-2']));

    expect(await store.save(record(4, ['o-1', 'o-2', 'o-3']))).toBe(true);
    expect(db().get(OPEN_ORDERS_TABLE, ANN_ID)).toEqual(record(4, ['o-1', 'o-2', 'o-3']));

    // Read at version 3 as well, by a checkout that was slower.
    expect(await store.save(record(4, ['o-1', 'o-2', 'o-4']))).toBe(false);
    expect(db().get(OPEN_ORDERS_TABLE, ANN_ID)).toEqual(record(4, ['o-1', 'o-2', 'o-3']));
  });

  it("keeps each customer's record apart", async () => {
    const store = dynamoOpenOrdersStore();
    expect(await store.save(record(1, ['o-1']))).toBe(true);
    expect(await store.save(record(1, ['o-9'], BOB_ID))).toBe(true);
    expect(await store.get(BOB_ID)).toEqual(record(1, ['o-9'], BOB_ID));
  });
});
