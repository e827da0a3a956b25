import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PaymentResultMessage, RefundRequest } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PaymentProviderRejectedError, PaymentProviderUnavailableError } from '../../src/domain/payment-provider';
import { handler } from '../../src/handlers/refund-payment';
import { service } from '../../src/service';
import { CHARGE_ID, ORDER_ID, QUEUE_URL, REFUNDS_QUEUE_URL, REFUNDS_TABLE, refundRecord, TABLE_KEYS, TOTAL, withPaymentEnvironment } from '../fixtures';

// The provider is stubbed at its port; the real client's refunds are tested against the simulator in test/adapters.
const provider = vi.hoisted(() => ({ charge: vi.fn(), refund: vi.fn(), chargeRefunds: vi.fn() }));
vi.mock('../../src/adapters/payment-provider-client', () => ({ paymentProviderClient: () => provider }));

const { db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'refund-payment'] });
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
withPaymentEnvironment();
beforeEach(() => {
  sqs.reset();
  eventBridge.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `eb-${i}` })),
  }));
  provider.refund.mockReset();
  provider.refund.mockResolvedValue({ refundId: 're_1', status: 'pending', amount: 3300, currency: 'USD' });
  provider.chargeRefunds.mockReset();
});
afterAll(() => {
  sqs.restore();
  eventBridge.restore();
});

const request = (overrides: Partial<RefundRequest> = {}) =>
  JSON.stringify({ orderId: ORDER_ID, chargeId: CHARGE_ID, amount: TOTAL, reason: 'order cancelled', attempt: 1, correlationId: 'order-corr-1', ...overrides });
const sqsEvent = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `msg-${i + 1}`,
    receiptHandle: `rh-${i + 1}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1' },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:shop-test-payment-service-refunds',
    awsRegion: 'us-east-1',
  })),
});
const deliver = (...bodies: string[]) => handler(sqsEvent(...bodies), lambdaContext('refund-payment'));
const refund = () => db().get(REFUNDS_TABLE, CHARGE_ID);
const sentTo = (url: string) =>
  sqs
    .commandCalls(SendMessageCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.QueueUrl === url);
const incidents = () => eventBridge.commandCalls(PutEventsCommand).flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.DetailType));

describe('refund-payment (refunds queue)', () => {
  it('asks the provider to refund the charge with the idempotency key of its first attempt, and records the refund PENDING', async () => {
    await expect(deliver(request())).resolves.toEqual({ batchItemFailures: [] });

    expect(provider.refund).toHaveBeenCalledOnce();
    expect(provider.refund.mock.calls[0]?.[0]).toEqual({
      chargeId: CHARGE_ID,
      idempotencyKey: `refund-${CHARGE_ID}-1`,
      attempt: 1,
      reason: 'order cancelled',
      orderId: ORDER_ID,
      correlationId: 'order-corr-1',
    });
    expect(refund()).toMatchObject({ chargeId: CHARGE_ID, orderId: ORDER_ID, amount: TOTAL, attempt: 1, status: 'PENDING', refundId: 're_1' });
  });

  it('refunds a charge once, however often it is asked: in one batch, or again later', async () => {
    await deliver(request(), request({ reason: 'asked twice' }));
    await deliver(request());
    expect(provider.refund).toHaveBeenCalledOnce();
    expect(refund()).toMatchObject({ reason: 'order cancelled', status: 'PENDING' });
  });

  it('asks nothing for a charge whose refund succeeded', async () => {
    db().put(REFUNDS_TABLE, refundRecord({ status: 'SUCCEEDED' }));
    await deliver(request(), request({ attempt: 2 }));
    expect(provider.refund).not.toHaveBeenCalled();
  });

  it('asks again under a new key for the next attempt once the last one failed', async () => {
    db().put(REFUNDS_TABLE, refundRecord({ status: 'FAILED', failureReason: 'expired_or_canceled_card' }));
    provider.refund.mockResolvedValue({ refundId: 're_2', status: 'pending', amount: 3300, currency: 'USD' });
    await deliver(request({ attempt: 2 }));
    expect(provider.refund.mock.calls[0]?.[0]).toMatchObject({ idempotencyKey: `refund-${CHARGE_ID}-2`, attempt: 2 });
    expect(refund()).toMatchObject({ attempt: 2, status: 'PENDING', refundId: 're_2' });
    expect(refund()).not.toHaveProperty('failureReason');
  });

  it('holds the next attempt back (the message comes back later) while the failure of the last one is not recorded yet', async () => {
    db().put(REFUNDS_TABLE, refundRecord({ status: 'PENDING' }));
    await expect(deliver(request({ attempt: 2 }), request())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect(provider.refund).not.toHaveBeenCalled();
  });

  it('asks again with the same key when the provider took the refund but the answer was lost (the record is still REQUESTED)', async () => {
    provider.refund.mockRejectedValueOnce(new PaymentProviderUnavailableError(3, 'no answer in time'));
    await expect(deliver(request(), request({ chargeId: 'ch_other' }))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect(refund()).toMatchObject({ status: 'REQUESTED' });

    await deliver(request());
    const keys = provider.refund.mock.calls.map((c) => (c[0] as { chargeId: string; idempotencyKey: string }).idempotencyKey);
    expect(keys.filter((k) => k === `refund-${CHARGE_ID}-1`)).toHaveLength(2);
    expect(refund()).toMatchObject({ status: 'PENDING' });
  });

  it('counts a refund the provider refuses outright as a failed attempt, and asks again later', async () => {
    provider.refund.mockRejectedValue(new PaymentProviderRejectedError(400, 'charge ch_1 is disputed', 1, 'charge_disputed'));
    await expect(deliver(request())).resolves.toEqual({ batchItemFailures: [] });
    expect(refund()).toMatchObject({ status: 'FAILED', failureReason: 'charge_disputed: charge ch_1 is disputed' });
    const [retry] = sentTo(REFUNDS_QUEUE_URL);
    expect(RefundRequest.parse(JSON.parse(retry?.MessageBody ?? ''))).toMatchObject({ attempt: 2 });
    expect(retry?.DelaySeconds).toBe(5);
    expect(incidents()).toEqual([]);
  });

  it('leaves a refused attempt REQUESTED, and fails the message, when the next attempt cannot be asked for: the redelivery asks for it', async () => {
    provider.refund.mockRejectedValue(new PaymentProviderRejectedError(400, 'charge ch_1 is disputed', 1, 'charge_disputed'));
    sqs.on(SendMessageCommand, { QueueUrl: REFUNDS_QUEUE_URL }).rejectsOnce(new Error('queue unavailable'));
    await expect(deliver(request())).rejects.toThrow('All records failed');
    expect(refund()).toMatchObject({ status: 'REQUESTED', attempt: 1 });

    await expect(deliver(request())).resolves.toEqual({ batchItemFailures: [] });
    expect(refund()).toMatchObject({ status: 'FAILED', attempt: 1 });
    expect(sentTo(REFUNDS_QUEUE_URL).map((sent) => RefundRequest.parse(JSON.parse(sent.MessageBody ?? '')).attempt)).toEqual([2, 2]);
  });

  describe('when the provider answers that the charge has been refunded already (an operator refunded it by hand)', () => {
    const alreadyRefunded = () => new PaymentProviderRejectedError(400, `charge ${CHARGE_ID} has already been refunded`, 1, 'charge_already_refunded');

    it('settles the refund on the provider’s account of the charge: all of it is back, so order-service hears SUCCEEDED; no attempt is spent, no incident', async () => {
      db().put(REFUNDS_TABLE, refundRecord({ attempt: 1, status: 'FAILED', failureReason: 'expired_or_canceled_card' }));
      provider.refund.mockRejectedValue(alreadyRefunded());
      provider.chargeRefunds.mockResolvedValue({ chargeId: CHARGE_ID, amount: TOTAL, refunded: TOTAL });
      await expect(deliver(request({ attempt: 2 }))).resolves.toEqual({ batchItemFailures: [] });

      expect(provider.chargeRefunds).toHaveBeenCalledWith(CHARGE_ID, expect.objectContaining({ deadline: expect.any(Number) }));
      const [result] = sentTo(QUEUE_URL).map((i) => PaymentResultMessage.parse(JSON.parse(i.MessageBody ?? '')));
      expect(result).toMatchObject({ kind: 'refund', outcome: 'SUCCEEDED', chargeId: CHARGE_ID, orderId: ORDER_ID, amount: TOTAL, reason: 'order cancelled' });
      expect(refund()).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
      expect(refund()).not.toHaveProperty('failureReason');
      expect(sentTo(REFUNDS_QUEUE_URL)).toEqual([]);
      expect(incidents()).toEqual([]);
    });

    it('waits (the message comes back) while a refund at the provider is still pending: only part of the charge is back yet', async () => {
      provider.refund.mockRejectedValueOnce(alreadyRefunded());
      provider.chargeRefunds.mockResolvedValue({ chargeId: CHARGE_ID, amount: TOTAL, refunded: { amount: 1000, currency: 'USD' } });
      await expect(deliver(request(), request({ chargeId: 'ch_other' }))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
      expect(refund()).toMatchObject({ status: 'REQUESTED', attempt: 1 });
      expect(sentTo(QUEUE_URL)).toEqual([]);
      expect(sentTo(REFUNDS_QUEUE_URL)).toEqual([]);
      expect(incidents()).toEqual([]);

      // That refund failed: the request, back, asks for what is left.
      await expect(deliver(request())).resolves.toEqual({ batchItemFailures: [] });
      expect(refund()).toMatchObject({ status: 'PENDING', attempt: 1, refundId: 're_1' });
    });
  });

  it.each([401, 403])('spends no attempt when the provider refuses the shop’s key (%i: a key being rotated): the queue asks again, and then it goes through', async (status) => {
    provider.refund.mockRejectedValueOnce(new PaymentProviderRejectedError(status, 'invalid API key', 1, 'invalid_api_key'));
    await expect(deliver(request(), request({ chargeId: 'ch_other' }))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect(refund()).toMatchObject({ status: 'REQUESTED', attempt: 1 });
    expect(refund()).not.toHaveProperty('failureReason');
    expect(sentTo(REFUNDS_QUEUE_URL)).toEqual([]);
    expect(incidents()).toEqual([]);

    await deliver(request());
    expect(refund()).toMatchObject({ status: 'PENDING', attempt: 1 });
  });

  it('raises RefundFailed and tells order-service when the last attempt is refused', async () => {
    db().put(REFUNDS_TABLE, refundRecord({ attempt: 2, status: 'FAILED' }));
    provider.refund.mockRejectedValue(new PaymentProviderRejectedError(400, 'charge is disputed', 1, 'charge_disputed'));
    await deliver(request({ attempt: 3 }));
    expect(incidents()).toEqual(['RefundFailed']);
    const [result] = sentTo(QUEUE_URL).map((i) => PaymentResultMessage.parse(JSON.parse(i.MessageBody ?? '')));
    expect(result).toMatchObject({ kind: 'refund', outcome: 'FAILED', chargeId: CHARGE_ID, orderId: ORDER_ID });
    expect(sentTo(REFUNDS_QUEUE_URL)).toEqual([]);
  });

  it('raises RefundFailed with one event id when the refused last attempt is delivered twice at once: one incident to its consumers', async () => {
    db().put(REFUNDS_TABLE, refundRecord({ attempt: 2, status: 'FAILED' }));
    provider.refund.mockRejectedValue(new PaymentProviderRejectedError(400, 'charge is disputed', 1, 'charge_disputed'));
    await Promise.all([deliver(request({ attempt: 3 })), deliver(request({ attempt: 3 }))]);
    const ids = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.Detail ?? '{}').id as string));
    expect(incidents()).toEqual(['RefundFailed', 'RefundFailed']);
    expect(ids[1]).toBe(ids[0]);
  });

  it('fails a message that is not a refund request alone', async () => {
    await expect(deliver('not json', JSON.stringify({ orderId: ORDER_ID }), request())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'msg-1' }, { itemIdentifier: 'msg-2' }],
    });
    expect(provider.refund).toHaveBeenCalledOnce();
  });
});
