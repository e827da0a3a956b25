import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lambdaContext } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/await-payment';
import { FakeDynamoDB } from '../fake-dynamodb';
import { ORDER_ID, ORDERS_TABLE, storedOrder, TABLE_KEYS, TASK_TOKEN, withOrderServiceEnv } from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
withOrderServiceEnv();
let db: FakeDynamoDB;
beforeEach(() => {
  ddb.reset();
  db = new FakeDynamoDB(TABLE_KEYS).install(ddb);
});
afterAll(() => {
  ddb.restore();
});

const wait = (taskToken = TASK_TOKEN, paymentWindowSeconds = 900) =>
  handler({ orderId: ORDER_ID, taskToken, paymentWindowSeconds, correlationId: 'checkout-corr-1' }, lambdaContext('await-payment'));
const order = () => db.get(ORDERS_TABLE, ORDER_ID);

describe('await-payment (WaitForPayment)', () => {
  it('moves a PENDING order to AWAITING_PAYMENT, keeping the task token and when the payment is due', async () => {
    db.put(ORDERS_TABLE, storedOrder({ status: 'PENDING' }));
    const before = Date.now();

    await wait(TASK_TOKEN, 900);

    expect(order()).toMatchObject({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN });
    const due = Date.parse(order()?.['paymentDueAt'] as string);
    expect(due).toBeGreaterThanOrEqual(before + 900_000);
    expect(due).toBeLessThanOrEqual(Date.now() + 900_000);
  });

  it('takes the new token of a retried step', async () => {
    db.put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: 'old-token' }));
    await wait('new-token');
    expect(order()).toMatchObject({ status: 'AWAITING_PAYMENT', taskToken: 'new-token' });
  });

  it('throws OrderCancelled for an order the customer cancelled, and leaves it cancelled', async () => {
    db.put(ORDERS_TABLE, storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer' }));
    await expect(wait()).rejects.toMatchObject({ name: 'OrderCancelled' });
    expect(order()).toMatchObject({ status: 'CANCELLED' });
    expect(order()).not.toHaveProperty('taskToken');
  });

  it('throws IllegalTransition for an order that already ended otherwise', async () => {
    db.put(ORDERS_TABLE, storedOrder({ status: 'PAYMENT_FAILED' }));
    await expect(wait()).rejects.toMatchObject({ name: 'IllegalTransition' });
    expect(order()).toMatchObject({ status: 'PAYMENT_FAILED' });
  });

  it('throws OrderNotFound for an order that does not exist, and writes nothing', async () => {
    await expect(wait()).rejects.toMatchObject({ name: 'OrderNotFound' });
    expect(db.items(ORDERS_TABLE)).toEqual([]);
  });

  it('refuses a payload without a token or window', async () => {
    await expect(handler({ orderId: ORDER_ID }, lambdaContext())).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
