import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/await-payment';
import { service } from '../../src/service';
import { ORDER_ID, ORDERS_TABLE, storedOrder, TABLE_KEYS, TASK_TOKEN, withOrderServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'await-payment'] });
const sfn = mockClient(SFNClient);
withOrderServiceEnv();
beforeEach(() => {
  sfn.reset();
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});
afterAll(() => {
  sfn.restore();
});

const wait = (taskToken = TASK_TOKEN, paymentWindowSeconds = 900) =>
  handler({ orderId: ORDER_ID, taskToken, paymentWindowSeconds, correlationId: 'checkout-corr-1' }, lambdaContext('await-payment'));
const order = () => db().get(ORDERS_TABLE, ORDER_ID);

describe('await-payment (WaitForPayment)', () => {
  it('moves a PENDING order to AWAITING_PAYMENT, keeping the task token and when the payment is due: a minute before the window ends', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'PENDING' }));
    const before = Date.now();

    await wait(TASK_TOKEN, 900);

    expect(order()).toMatchObject({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN });
    const due = Date.parse(order()?.['paymentDueAt'] as string);
    // WaitForPayment times out 900 s after it began: a charge claimed at the due time has a minute to be confirmed.
    expect(due).toBeGreaterThanOrEqual(before + 840_000);
    expect(due).toBeLessThanOrEqual(Date.now() + 840_000);
  });

  it('keeps a fifth of a short window for the confirmation', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'PENDING' }));
    const before = Date.now();

    await wait(TASK_TOKEN, 30);

    const due = Date.parse(order()?.['paymentDueAt'] as string);
    expect(due).toBeGreaterThanOrEqual(before + 24_000);
    expect(due).toBeLessThanOrEqual(Date.now() + 24_000);
  });

  it('takes the new token of a retried step, keeping when the payment was first due', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: 'old-token', paymentDueAt: '2030-01-01T00:00:00.000Z' }));
    await wait('new-token');
    expect(order()).toMatchObject({ status: 'AWAITING_PAYMENT', taskToken: 'new-token', paymentDueAt: '2030-01-01T00:00:00.000Z' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('reports a success recorded before a retried step with the new token, and does not replace the reported one', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED', chargeId: 'ch_1' }));
    await wait('new-token');
    expect(order()).not.toHaveProperty('taskToken');
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'new-token', output: JSON.stringify({ outcome: 'SUCCEEDED' }) },
    ]);
  });

  it('reports a decline recorded before a retried step with the new token and its reason', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', paymentEventId: 'evt_1', paymentOutcome: 'FAILED', paymentFailureReason: 'card_declined' }));
    await wait('new-token');
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: 'new-token', error: 'PaymentDeclined', cause: 'card_declined' }]);
  });

  it('throws OrderCancelled for an order the customer cancelled, and leaves it cancelled', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer' }));
    await expect(wait()).rejects.toMatchObject({ name: 'OrderCancelled' });
    expect(order()).toMatchObject({ status: 'CANCELLED' });
    expect(order()).not.toHaveProperty('taskToken');
  });

  it('throws IllegalTransition for an order that already ended otherwise', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'PAYMENT_FAILED' }));
    await expect(wait()).rejects.toMatchObject({ name: 'IllegalTransition' });
    expect(order()).toMatchObject({ status: 'PAYMENT_FAILED' });
  });

  it('throws OrderNotFound for an order that does not exist, and writes nothing', async () => {
    await expect(wait()).rejects.toMatchObject({ name: 'OrderNotFound' });
    expect(db().items(ORDERS_TABLE)).toEqual([]);
  });

  it('refuses a payload without a token or window', async () => {
    await expect(handler({ orderId: ORDER_ID }, lambdaContext())).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
