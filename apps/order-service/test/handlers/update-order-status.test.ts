import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '@shop/common';
import { lambdaContext } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/update-order-status';
import { FakeDynamoDB } from '../fake-dynamodb';
import { ORDER_ID, ORDERS_TABLE, sqsEvent, storedOrder, TABLE_KEYS, TASK_TOKEN, withOrderServiceEnv } from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
withOrderServiceEnv();
let db: FakeDynamoDB;
beforeEach(() => {
  ddb.reset();
  sfn.reset();
  db = new FakeDynamoDB(TABLE_KEYS).install(ddb);
  db.put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN }));
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(() => {
  ddb.restore();
  sfn.restore();
});

const OTHER_ORDER_ID = '99999999-9999-4999-8999-999999999999';
const message = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ providerEventId: 'evt_1', orderId: ORDER_ID, outcome: 'SUCCEEDED', correlationId: 'checkout-corr-1', ...overrides });
const deliver = (...bodies: string[]) => handler(sqsEvent(bodies), lambdaContext('update-order-status'));
const order = (orderId = ORDER_ID) => db.get(ORDERS_TABLE, orderId);
const successes = () => sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input);
const failures = () => sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input);
const recordings = () => ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.UpdateExpression?.includes('paymentEventId'));

describe('update-order-status (payment-events queue)', () => {
  it('records a successful payment once and resumes the checkout with SendTaskSuccess', async () => {
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });

    expect(order()).toMatchObject({ status: 'AWAITING_PAYMENT', paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED' });
    expect(order()).not.toHaveProperty('taskToken');
    expect(successes()).toEqual([{ taskToken: TASK_TOKEN, output: JSON.stringify({ outcome: 'SUCCEEDED' }) }]);
    expect(failures()).toEqual([]);
  });

  it('reports a declined payment with SendTaskFailure(PaymentDeclined) and the reason as its cause', async () => {
    await deliver(message({ outcome: 'FAILED', reason: 'insufficient funds' }));

    expect(order()).toMatchObject({ paymentEventId: 'evt_1', paymentOutcome: 'FAILED' });
    expect(failures()).toEqual([{ taskToken: TASK_TOKEN, error: 'PaymentDeclined', cause: 'insufficient funds' }]);
    expect(successes()).toEqual([]);
  });

  it('gives a declined payment without a reason a cause all the same', async () => {
    await deliver(message({ outcome: 'FAILED' }));
    expect(failures()[0]?.cause).toBe('payment declined');
  });

  it('changes the order once and resumes the checkout once when the same event is delivered twice', async () => {
    await deliver(message());
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });

    // Both tried to record it; the second found it recorded.
    expect(recordings()).toHaveLength(2);
    expect(order()).toMatchObject({ paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED' });
    expect(successes()).toHaveLength(1);
  });

  it('changes the order once when the duplicate arrives in the same batch', async () => {
    await expect(deliver(message(), message())).resolves.toEqual({ batchItemFailures: [] });
    expect(successes()).toHaveLength(1);
  });

  it('reports again, on its redelivery, a message that recorded the payment but whose report did not get through', async () => {
    sfn.on(SendTaskSuccessCommand).rejectsOnce(new Error('socket hang up'));
    // A batch whose every message failed fails as a whole, and SQS delivers it again.
    await expect(deliver(message())).rejects.toThrow('All records failed');
    expect(order()).toMatchObject({ paymentEventId: 'evt_1', paymentMessageId: 'msg-1', taskToken: TASK_TOKEN });

    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(successes()).toHaveLength(2);
    expect(order()).not.toHaveProperty('taskToken');
  });

  it('does not report a duplicate event from another message, even while the first report is under way', async () => {
    db.put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN, paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED', paymentMessageId: 'msg-other' }));
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('fails only the poison message of a batch; its batch-mates succeed', async () => {
    db.put(ORDERS_TABLE, storedOrder({ orderId: OTHER_ORDER_ID, status: 'AWAITING_PAYMENT', taskToken: 'token-2' }));

    const result = await deliver(message(), 'poison-not-json', message({ providerEventId: 'evt_2', orderId: OTHER_ORDER_ID }));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
    expect(order()).toMatchObject({ paymentOutcome: 'SUCCEEDED' });
    expect(order(OTHER_ORDER_ID)).toMatchObject({ paymentOutcome: 'SUCCEEDED' });
    expect(successes().map((s) => s.taskToken).sort()).toEqual([TASK_TOKEN, 'token-2'].sort());
  });

  it.each([
    ['JSON that is not a payment result', JSON.stringify({ hello: 'world' })],
    ['an unknown outcome', message({ outcome: 'MAYBE' })],
    ['an order id that is not a UUID', message({ orderId: 'nope' })],
  ])('treats %s as poison', async (_, body) => {
    await expect(deliver(message({ orderId: OTHER_ORDER_ID }), body)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
  });

  it.each([
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} })],
    ['InvalidToken', new InvalidToken({ message: 'Invalid token', $metadata: {} })],
  ])('succeeds without throwing when the payment window already expired (%s)', async (_, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(order()).toMatchObject({ paymentEventId: 'evt_1' });
  });

  it.each([
    ['PAYMENT_FAILED', { status: 'PAYMENT_FAILED', reason: 'payment window expired' }],
    ['CANCELLED', { status: 'CANCELLED', reason: 'cancelled by customer' }],
    ['PAID', { status: 'PAID', paymentEventId: 'evt_0', paymentOutcome: 'SUCCEEDED' }],
  ] as const)('drops a late message for an order already %s, changing nothing', async (_, overrides) => {
    const before = storedOrder(overrides);
    db.put(ORDERS_TABLE, before);
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(order()).toEqual(before);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('drops a second, different event for an order whose payment is already decided', async () => {
    db.put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', paymentEventId: 'evt_0', paymentOutcome: 'FAILED' }));
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(order()).toMatchObject({ paymentEventId: 'evt_0', paymentOutcome: 'FAILED' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('drops a message for an order that does not exist', async () => {
    await expect(deliver(message({ orderId: OTHER_ORDER_ID }))).resolves.toEqual({ batchItemFailures: [] });
    expect(db.get(ORDERS_TABLE, OTHER_ORDER_ID)).toBeUndefined();
  });

  it('lets a message for an order not yet awaiting payment come back later', async () => {
    db.put(ORDERS_TABLE, storedOrder({ status: 'PENDING' }));
    db.put(ORDERS_TABLE, storedOrder({ orderId: OTHER_ORDER_ID, status: 'AWAITING_PAYMENT', taskToken: 'token-2' }));
    await expect(deliver(message(), message({ providerEventId: 'evt_2', orderId: OTHER_ORDER_ID }))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'msg-1' }],
    });
    expect(order()).not.toHaveProperty('paymentEventId');
  });

  it('fails the whole invocation when every message of the batch fails, so that the batch comes back', async () => {
    await expect(deliver('poison')).rejects.toThrow('All records failed');
  });

  it("logs with the message's correlation id", async () => {
    const child = vi.spyOn(logger, 'child');
    await deliver(message({ correlationId: 'corr-from-webhook' }));
    expect(child).toHaveBeenCalledWith(expect.objectContaining({ correlationId: 'corr-from-webhook', orderId: ORDER_ID, providerEventId: 'evt_1' }));
  });
});
