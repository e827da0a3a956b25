import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '@shop/common';
import { orderPayment } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PAYMENT_REPORT_UNDER_WAY_MS } from '../../src/domain/payment-result';
import { handler } from '../../src/handlers/update-order-status';
import { service } from '../../src/service';
import { ORDER_ID, ORDERS_TABLE, sqsEvent, storedOrder, TABLE_KEYS, TASK_TOKEN, withOrderServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'update-order-status'] });
const sfn = mockClient(SFNClient);
withOrderServiceEnv();
beforeEach(() => {
  sfn.reset();
  db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN }));
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(() => {
  sfn.restore();
});

const OTHER_ORDER_ID = '99999999-9999-4999-8999-999999999999';
const TOTAL = { amount: 3300, currency: 'USD' };
const message = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ kind: 'charge', providerEventId: 'evt_1', orderId: ORDER_ID, chargeId: 'ch_1', outcome: 'SUCCEEDED', amount: TOTAL, correlationId: 'checkout-corr-1', ...overrides });
const refundMessage = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ kind: 'refund', providerEventId: 'evt_r1', orderId: ORDER_ID, chargeId: 'ch_9', refundId: 're_1', outcome: 'SUCCEEDED', amount: TOTAL, reason: 'order cancelled', ...overrides });
const deliver = (...bodies: string[]) => handler(sqsEvent(bodies), lambdaContext('update-order-status'));
const order = (orderId = ORDER_ID) => db().get(ORDERS_TABLE, orderId);
const successes = () => sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input);
const failures = () => sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input);
const recordings = () => ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.UpdateExpression?.includes('paymentEventId'));

describe('update-order-status (payment-events queue)', () => {
  it('records a successful payment once and resumes the checkout with SendTaskSuccess', async () => {
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });

    expect(order()).toMatchObject({
      status: 'AWAITING_PAYMENT',
      paymentEventId: 'evt_1',
      paymentOutcome: 'SUCCEEDED',
      chargeId: 'ch_1',
      charges: { ch_1: { amount: TOTAL, pays: true } },
    });
    expect(order()).not.toHaveProperty('taskToken');
    expect(successes()).toEqual([{ taskToken: TASK_TOKEN, output: JSON.stringify({ outcome: 'SUCCEEDED' }) }]);
    expect(failures()).toEqual([]);
  });

  it('reports a declined payment with SendTaskFailure(PaymentDeclined) and the reason as its cause', async () => {
    await deliver(message({ outcome: 'FAILED', reason: 'insufficient funds' }));

    expect(order()).toMatchObject({ paymentEventId: 'evt_1', paymentOutcome: 'FAILED', paymentFailureReason: 'insufficient funds', charges: {} });
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

  it('reports a recorded outcome again from its copy redriven out of the dead-letter queue, which has a new message id', async () => {
    // The message that recorded the payment failed to report it on every receive, and went to the dead-letter queue.
    const recordedAt = new Date(Date.now() - PAYMENT_REPORT_UNDER_WAY_MS).toISOString();
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN, paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED', paymentMessageId: 'msg-before-redrive', updatedAt: recordedAt }));
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(successes()).toHaveLength(1);
    expect(order()).not.toHaveProperty('taskToken');
  });

  it('does not report a duplicate event from another message while the first report may still be under way', async () => {
    const recordedAt = new Date(Date.now() - PAYMENT_REPORT_UNDER_WAY_MS + 5_000).toISOString();
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN, paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED', paymentMessageId: 'msg-other', updatedAt: recordedAt }));
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('drops a copy from another message once the outcome was reported', async () => {
    const recordedAt = new Date(Date.now() - 10 * PAYMENT_REPORT_UNDER_WAY_MS).toISOString();
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED', paymentMessageId: 'msg-other', updatedAt: recordedAt }));
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('waits for the message that recorded a payment as long as update-order-status may run', () => {
    expect(PAYMENT_REPORT_UNDER_WAY_MS).toBeGreaterThanOrEqual((service.functions['update-order-status'].timeoutSeconds ?? 0) * 1000);
  });

  it('fails only the poison message of a batch; its batch-mates succeed', async () => {
    db().put(ORDERS_TABLE, storedOrder({ orderId: OTHER_ORDER_ID, status: 'AWAITING_PAYMENT', taskToken: 'token-2' }));

    const result = await deliver(message(), 'poison-not-json', message({ providerEventId: 'evt_2', orderId: OTHER_ORDER_ID }));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
    expect(order()).toMatchObject({ paymentOutcome: 'SUCCEEDED' });
    expect(order(OTHER_ORDER_ID)).toMatchObject({ paymentOutcome: 'SUCCEEDED' });
    expect(successes().map((s) => s.taskToken).sort()).toEqual([TASK_TOKEN, 'token-2'].sort());
  });

  it.each([
    ['JSON that is not a payment result', JSON.stringify({ hello: 'world' })],
    ['an unknown outcome', message({ outcome: 'MAYBE' })],
    ['a charge without its amount', message({ amount: undefined })],
    ['an order id that is not a UUID', message({ orderId: 'nope' })],
  ])('treats %s as poison', async (_, body) => {
    await expect(deliver(message(), body)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
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
    ['PAYMENT_FAILED after its window expired', { status: 'PAYMENT_FAILED', reason: 'payment window expired' }, 'payment arrived after the payment window'],
    ['CANCELLED', { status: 'CANCELLED', reason: 'cancelled by customer' }, 'order cancelled'],
    ['PAID by another charge', { status: 'PAID', paymentEventId: 'evt_0', paymentOutcome: 'SUCCEEDED', chargeId: 'ch_0' }, 'order already paid'],
  ] as const)('records a late successful charge for an order already %s to be refunded, and changes nothing else', async (_, overrides, reason) => {
    const before = storedOrder(overrides);
    db().put(ORDERS_TABLE, before);
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });

    const { updatedAt, ...unchanged } = before;
    expect(order()).toMatchObject({ ...unchanged, charges: { ch_1: { amount: TOTAL, pays: false, refund: { status: 'PENDING', reason } } } });
    expect(order()?.['updatedAt']).not.toBe(updatedAt);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('records the late charge to be refunded once, however often it is delivered', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer' }));
    await deliver(message());
    const first = order();
    await deliver(message({ providerEventId: 'evt_1_again' }));
    expect(order()).toEqual(first);
  });

  it('drops a late failed charge: nothing was taken, nothing changes', async () => {
    const before = storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer' });
    db().put(ORDERS_TABLE, before);
    await expect(deliver(message({ outcome: 'FAILED', reason: 'card_declined' }))).resolves.toEqual({ batchItemFailures: [] });
    expect(order()).toEqual(before);
  });

  it.each([
    ['CANCELLED', 'cancelled by customer'],
    ['PAYMENT_FAILED', 'payment window expired'],
  ] as const)('records the decline of the charge a %s order had under way, so its payment reads DECLINED, not PROCESSING for good', async (status, reason) => {
    const attempt = { paymentMethod: 'pm_card_decline', startedAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-01-01T00:00:30.000Z' };
    db().put(ORDERS_TABLE, storedOrder({ status, reason, paymentAttempt: attempt }));
    expect(orderPayment(order() as never)?.status).toBe('PROCESSING');

    await expect(deliver(message({ outcome: 'FAILED', reason: 'card_declined' }))).resolves.toEqual({ batchItemFailures: [] });

    expect(order()).toMatchObject({ status, reason, paymentEventId: 'evt_1', paymentOutcome: 'FAILED', paymentFailureReason: 'card_declined', chargeId: 'ch_1' });
    expect(orderPayment(order() as never)?.status).toBe('DECLINED');
    expect(sfn.calls()).toHaveLength(0);
    // A later success of that very charge is still money to give back.
    await deliver(message({ providerEventId: 'evt_2' }));
    expect(order()).toMatchObject({ status, paymentOutcome: 'FAILED', charges: { ch_1: { pays: false, refund: { status: 'PENDING' } } } });
  });

  it('keeps the first outcome: a success after a recorded decline is money to give back, not a payment', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', paymentEventId: 'evt_0', paymentOutcome: 'FAILED', chargeId: 'ch_0' }));
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(order()).toMatchObject({ paymentEventId: 'evt_0', paymentOutcome: 'FAILED', charges: { ch_1: { pays: false, refund: { status: 'PENDING' } } } });
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each(['AWAITING_PAYMENT', 'PAYMENT_FAILED'] as const)(
    'refunds a success of the very charge whose decline was recorded (order %s): the provider approved it later',
    async (status) => {
      db().put(ORDERS_TABLE, storedOrder({ status, paymentEventId: 'evt_0', paymentOutcome: 'FAILED', chargeId: 'ch_1' }));
      await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
      expect(order()).toMatchObject({ status, paymentOutcome: 'FAILED', charges: { ch_1: { amount: TOTAL, pays: false, refund: { status: 'PENDING' } } } });
      expect(sfn.calls()).toHaveLength(0);
      // Its redelivery, or the provider's second webhook for it, is a duplicate: one refund.
      const recorded = order();
      await deliver(message({ providerEventId: 'evt_2' }));
      expect(order()).toEqual(recorded);
    },
  );

  it('drops a success of the charge that already pays the order, under another event id', async () => {
    const paid = storedOrder({ status: 'PAID', paymentEventId: 'evt_0', paymentOutcome: 'SUCCEEDED', chargeId: 'ch_1', charges: { ch_1: { amount: TOTAL, pays: true, at: 'x' } } });
    db().put(ORDERS_TABLE, paid);
    await expect(deliver(message())).resolves.toEqual({ batchItemFailures: [] });
    expect(order()).toEqual(paid);
  });

  it('gives a charge of an order written before orders kept their charges a place all the same', async () => {
    const { charges: _none, ...old } = storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer' });
    db().put(ORDERS_TABLE, old);
    await deliver(message());
    expect(order()).toMatchObject({ charges: { ch_1: { refund: { status: 'PENDING' } } } });
  });

  it('fails a successful charge for an order that does not exist, so that it reaches the dead-letter queue rather than vanishing', async () => {
    await expect(deliver(message({ orderId: OTHER_ORDER_ID }), message())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect(db().get(ORDERS_TABLE, OTHER_ORDER_ID)).toBeUndefined();
  });

  it('drops a failed charge for an order that does not exist', async () => {
    await expect(deliver(message({ orderId: OTHER_ORDER_ID, outcome: 'FAILED' }))).resolves.toEqual({ batchItemFailures: [] });
  });

  it('records a refund that succeeded on its charge, once', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'CANCELLED', charges: { ch_9: { amount: TOTAL, pays: false, refund: { status: 'PENDING', reason: 'order cancelled', requestedAt: 'x' }, at: 'x' } } }));
    await expect(deliver(refundMessage())).resolves.toEqual({ batchItemFailures: [] });
    expect(order()).toMatchObject({ charges: { ch_9: { refund: { status: 'SUCCEEDED', reason: 'order cancelled' } } } });
    const recorded = order();
    await deliver(refundMessage({ outcome: 'FAILED', providerEventId: 'evt_r2' }));
    expect(order()).toEqual(recorded);
  });

  it('records a refund that failed for good, so that the order says so', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'CANCELLED', charges: { ch_9: { amount: TOTAL, pays: false, refund: { status: 'PENDING', reason: 'order cancelled', requestedAt: 'x' }, at: 'x' } } }));
    await deliver(refundMessage({ outcome: 'FAILED' }));
    expect(order()).toMatchObject({ charges: { ch_9: { refund: { status: 'FAILED' } } } });
  });

  it('records a refund of a charge the order never took (payment-service refunded a mismatch), with its amount', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'PAID', chargeId: 'ch_1', charges: { ch_1: { amount: TOTAL, pays: true, at: 'x' } } }));
    await deliver(refundMessage({ amount: { amount: 1, currency: 'USD' }, reason: 'the charge did not match the order' }));
    expect(order()).toMatchObject({
      charges: { ch_1: { pays: true }, ch_9: { amount: { amount: 1, currency: 'USD' }, pays: false, refund: { status: 'SUCCEEDED' } } },
    });
  });

  it('lets a message for an order not yet awaiting payment come back later', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'PENDING' }));
    db().put(ORDERS_TABLE, storedOrder({ orderId: OTHER_ORDER_ID, status: 'AWAITING_PAYMENT', taskToken: 'token-2' }));
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
    expect(child).toHaveBeenCalledWith(expect.objectContaining({ correlationId: 'corr-from-webhook', messageId: 'msg-1', trigger: 'queue' }));
    expect(child).toHaveBeenCalledWith({ orderId: ORDER_ID, providerEventId: 'evt_1' });
  });
});
