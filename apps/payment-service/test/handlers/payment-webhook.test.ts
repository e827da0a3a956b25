import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { PaymentResultMessage, RefundRequest } from '@shop/contracts';
import { invokeHandler, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/payment-webhook';
import { PaymentProviderRejectedError, PaymentProviderUnavailableError } from '../../src/domain/payment-provider';
import { service } from '../../src/service';
import {
  CHARGE_ID,
  fakeParameterStore,
  nowSeconds,
  ORDER_ID,
  PAYMENTS_TABLE,
  paymentRecord,
  providerEvent,
  QUEUE_URL,
  REFUNDS_QUEUE_URL,
  REFUNDS_TABLE,
  refundEvent,
  refundRecord,
  sign,
  TABLE_KEYS,
  TOTAL,
  WEBHOOK_EVENTS_TABLE,
  WEBHOOK_SECRET_PARAMETER,
  withPaymentEnvironment,
} from '../fixtures';

// The provider's account of a charge is stubbed at its port; the real client reads it from the simulator in test/adapters.
const provider = vi.hoisted(() => ({ charge: vi.fn(), refund: vi.fn(), chargeRefunds: vi.fn() }));
vi.mock('../../src/adapters/payment-provider-client', () => ({ paymentProviderClient: () => provider }));

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'payment-webhook'] });
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
const ssm = mockClient(SSMClient);
const route = httpRoute(service, 'payment-webhook');
withPaymentEnvironment();
beforeEach(() => {
  sqs.reset();
  eventBridge.reset();
  ssm.reset();
  fakeParameterStore(ssm);
  db().put(PAYMENTS_TABLE, paymentRecord());
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `eb-${i}` })),
  }));
  provider.chargeRefunds.mockReset();
});
afterAll(() => {
  sqs.restore();
  eventBridge.restore();
  ssm.restore();
});

function deliver(rawBody: string, signature: string | undefined, options: { headers?: Record<string, string>; isBase64Encoded?: boolean } = {}) {
  const headers = { ...(signature === undefined ? {} : { 'provider-signature': signature }), ...options.headers };
  const body = options.isBase64Encoded ? Buffer.from(rawBody, 'utf8').toString('base64') : rawBody;
  return invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body, headers, isBase64Encoded: options.isBase64Encoded ?? false }));
}

const signedDelivery = (event: object = providerEvent(), options?: Parameters<typeof deliver>[2]) => {
  const raw = JSON.stringify(event);
  return deliver(raw, sign(raw), options);
};

const sent = (queueUrl = QUEUE_URL) =>
  sqs
    .commandCalls(SendMessageCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.QueueUrl === queueUrl);
const results = () => sent().map((input) => PaymentResultMessage.parse(JSON.parse(input.MessageBody ?? '')));
const refundRequests = () => sent(REFUNDS_QUEUE_URL).map((input) => ({ request: RefundRequest.parse(JSON.parse(input.MessageBody ?? '')), delay: input.DelaySeconds }));
const incidents = () =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) => (call.args[0].input.Entries ?? []).map((e) => ({ type: e.DetailType, detail: JSON.parse(e.Detail ?? '{}').detail })));
/** Each incident put on the bus, by its type and its envelope's id. */
const incidentIds = () =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) => (call.args[0].input.Entries ?? []).map((e) => ({ type: e.DetailType, id: JSON.parse(e.Detail ?? '{}').id as string })));

describe('POST /payment/webhook: charges', () => {
  it('queues one verified charge result for a genuine charge.succeeded of the charge the shop made, and answers 202', async () => {
    const event = providerEvent();
    const res = await signedDelivery(event, { headers: { 'x-correlation-id': 'checkout-77' } });

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ received: true });
    expect(results()).toEqual([
      { kind: 'charge', providerEventId: event.id, orderId: ORDER_ID, chargeId: CHARGE_ID, outcome: 'SUCCEEDED', amount: TOTAL, correlationId: 'checkout-77' },
    ]);
    expect(sent()[0]?.MessageAttributes).toEqual({ correlationId: { DataType: 'String', StringValue: 'checkout-77' } });
    expect(db().get(PAYMENTS_TABLE, ORDER_ID)).toMatchObject({ status: 'SUCCEEDED', lastEventId: event.id });
  });

  it("carries the order's own correlation id, which the charge's metadata echoes, rather than the webhook request's", async () => {
    await signedDelivery(providerEvent({ metadata: { orderId: ORDER_ID, correlationId: 'order-corr-1' } }), { headers: { 'x-correlation-id': 'webhook-9' } });
    expect(results()[0]).toMatchObject({ correlationId: 'order-corr-1' });
  });

  it('queues FAILED with the reason for charge.failed, and marks the payment DECLINED', async () => {
    const res = await signedDelivery(providerEvent({ type: 'charge.failed', failureReason: 'card_declined' }));
    expect(res.status).toBe(202);
    expect(results()[0]).toMatchObject({ outcome: 'FAILED', reason: 'card_declined' });
    expect(db().get(PAYMENTS_TABLE, ORDER_ID)).toMatchObject({ status: 'DECLINED', reason: 'card_declined' });
  });

  it('takes the charge id from a webhook that overtook process-payment, when its amount is the order’s', async () => {
    db().put(PAYMENTS_TABLE, paymentRecord({ chargeId: undefined }));
    const res = await signedDelivery();
    expect(res.status).toBe(202);
    expect(db().get(PAYMENTS_TABLE, ORDER_ID)).toMatchObject({ chargeId: CHARGE_ID });
    expect(results()).toHaveLength(1);
  });

  it.each([
    ['another amount (1 cent for $33.00)', { amount: 1 }, ['amount 1 is not the order\'s 3300']],
    ['another currency', { currency: 'EUR' }, ['currency EUR is not the order\'s USD']],
    ['another charge than the one the shop made', { chargeId: 'ch_someone_else' }, [`charge ch_someone_else is not the charge ${CHARGE_ID} the shop made`]],
  ])('never pays the order with a signed charge.succeeded for %s: an incident, a refund, and 200', async (_, change, problems) => {
    const event = providerEvent(change);
    const res = await signedDelivery(event);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, rejected: 'PAYMENT_MISMATCH' });
    expect(results()).toEqual([]);
    expect(incidents()).toEqual([
      {
        type: 'PaymentMismatch',
        detail: {
          orderId: ORDER_ID,
          providerEventId: event.id,
          chargeId: event.data.chargeId,
          problems,
          received: { amount: event.data.amount, currency: event.data.currency },
          expected: TOTAL,
        },
      },
    ]);
    expect(refundRequests().map((r) => r.request)).toEqual([
      expect.objectContaining({ orderId: ORDER_ID, chargeId: event.data.chargeId, amount: { amount: event.data.amount, currency: event.data.currency }, attempt: 1 }),
    ]);
    expect(db().get(PAYMENTS_TABLE, ORDER_ID)).toEqual(paymentRecord());
  });

  it('asks for the refund of a mismatched charge before the incident: a bus that refuses the incident never keeps the money', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('bus unavailable'));
    const event = providerEvent({ amount: 1 });

    const res = await signedDelivery(event);

    // 500: the provider delivers it again, and the incident is raised then; the refund is asked for already.
    expect(res.status).toBe(500);
    expect(refundRequests().map((r) => r.request)).toEqual([expect.objectContaining({ chargeId: event.data.chargeId, amount: { amount: 1, currency: 'USD' } })]);
    expect(results()).toEqual([]);
  });

  it('answers 500 and notes nothing when the refunds queue refuses the refund of a mismatched charge: the retry asks for it again', async () => {
    sqs.on(SendMessageCommand, { QueueUrl: REFUNDS_QUEUE_URL }).rejectsOnce(new Error('queue unavailable'));
    const event = providerEvent({ amount: 1 });

    const res = await signedDelivery(event);
    expect(res.status).toBe(500);
    expect(db().get(WEBHOOK_EVENTS_TABLE, event.id)).toBeUndefined();
    // The incident is raised all the same: a person hears of it even if the refund is never asked.
    expect(incidents().map((i) => i.type)).toEqual(['PaymentMismatch']);

    expect((await signedDelivery(event)).status).toBe(200);
    // The refused send, then the retry's.
    const asked = expect.objectContaining({ chargeId: event.data.chargeId, amount: { amount: 1, currency: 'USD' }, attempt: 1 });
    expect(refundRequests().map((r) => r.request)).toEqual([asked, asked]);
  });

  it("reads a provider's lower-case currency as the code it is: usd pays a USD order, and a mismatch is refunded in upper case", async () => {
    expect((await signedDelivery(providerEvent({ currency: 'usd' }))).status).toBe(202);
    expect(results()).toEqual([expect.objectContaining({ amount: { amount: 3300, currency: 'USD' } })]);

    db().put(PAYMENTS_TABLE, paymentRecord());
    const stray = providerEvent({ id: 'evt_stray_eur', currency: 'eur', chargeId: 'ch_stray' });
    expect((await signedDelivery(stray)).body).toEqual({ received: true, rejected: 'PAYMENT_MISMATCH' });
    expect(refundRequests().map((r) => r.request.amount)).toEqual([{ amount: 3300, currency: 'EUR' }]);
  });

  it('raises an incident but refunds nothing for a mismatched charge.failed: nothing was taken', async () => {
    const res = await signedDelivery(providerEvent({ type: 'charge.failed', amount: 1 }));
    expect(res.body).toEqual({ received: true, rejected: 'PAYMENT_MISMATCH' });
    expect(incidents().map((i) => i.type)).toEqual(['PaymentMismatch']);
    expect(refundRequests()).toEqual([]);
  });

  it('takes a charge for an order id the shop never began a payment for as another system’s: UnknownCharge, nothing refunded', async () => {
    // Another stage of the shop on the same provider account: the provider tells every endpoint of its charges.
    const other = '99999999-9999-4999-8999-999999999999';
    const res = await signedDelivery(providerEvent({ id: 'evt_other_stage', orderId: other, chargeId: 'ch_other' }));
    expect(res.body).toEqual({ received: true, rejected: 'UNKNOWN_ORDER' });
    expect(incidents()).toEqual([{ type: 'UnknownCharge', detail: { providerEventId: 'evt_other_stage', chargeId: 'ch_other', received: TOTAL } }]);
    expect(refundRequests()).toEqual([]);
    expect(results()).toEqual([]);
  });

  describe('a genuine event that names no order of the shop (a charge made with the shop’s key outside the checkout)', () => {
    it.each([
      ['an order reference that is not the shop’s', { orderId: 'pos-1234' }],
      ['no order reference at all', { orderId: undefined }],
    ])('a charge.succeeded with %s: acknowledged with 200, the UnknownCharge incident raised, nothing paid or refunded', async (_, data) => {
      const event = providerEvent({ id: 'evt_foreign', chargeId: 'ch_pos' });
      const res = await signedDelivery({ ...event, data: { ...event.data, ...data } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, rejected: 'UNKNOWN_ORDER' });
      expect(incidents()).toEqual([{ type: 'UnknownCharge', detail: { providerEventId: 'evt_foreign', chargeId: 'ch_pos', received: TOTAL } }]);
      expect(results()).toEqual([]);
      expect(refundRequests()).toEqual([]);
      expect(db().get(PAYMENTS_TABLE, ORDER_ID)).toEqual(paymentRecord());

      // Noted as handled: the provider's retry is a duplicate, and raises nothing more.
      expect(db().get(WEBHOOK_EVENTS_TABLE, 'evt_foreign')).toMatchObject({ eventId: 'evt_foreign' });
      expect(db().get(WEBHOOK_EVENTS_TABLE, 'evt_foreign')).not.toHaveProperty('orderId');
      expect((await signedDelivery({ ...event, data: { ...event.data, ...data } })).body).toEqual({ received: true, duplicate: true });
      expect(incidents()).toHaveLength(1);
    });

    it('a charge.failed or a refund of such a charge: acknowledged, no incident (nothing was taken from the shop’s orders)', async () => {
      const failed = providerEvent({ id: 'evt_foreign_failed', type: 'charge.failed', orderId: 'pos-1234' });
      expect((await signedDelivery(failed)).body).toEqual({ received: true, rejected: 'UNKNOWN_ORDER' });
      const refund = refundEvent({ id: 'evt_foreign_refund', chargeId: 'ch_pos' });
      expect((await signedDelivery({ ...refund, data: { ...refund.data, orderId: 'pos-1234' } })).body).toEqual({ received: true, rejected: 'UNKNOWN_ORDER' });
      expect(incidents()).toEqual([]);
      expect(sqs.calls()).toHaveLength(0);
    });

    it('still answers 400 to an event that is malformed in another way, naming the field', async () => {
      const event = providerEvent({ orderId: 'pos-1234', amount: -5 });
      const res = await signedDelivery(event);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('amount');
      expect(incidents()).toEqual([]);
    });
  });

  it('verifies a base64-encoded body on its decoded bytes', async () => {
    const res = await signedDelivery(providerEvent(), { isBase64Encoded: true });
    expect(res.status).toBe(202);
    expect(results()).toHaveLength(1);
  });

  it('acknowledges a redelivery of a handled event with 200 and queues nothing more', async () => {
    const event = providerEvent();
    await signedDelivery(event);
    expect(db().get(WEBHOOK_EVENTS_TABLE, event.id)).toMatchObject({ orderId: ORDER_ID });
    const again = await signedDelivery(event);

    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: true, duplicate: true });
    expect(results()).toHaveLength(1);
  });

  it('remembers a handled event for 7 days', async () => {
    const event = providerEvent();
    await signedDelivery(event);
    const expiresAt = db().get(WEBHOOK_EVENTS_TABLE, event.id)?.['expiresAt'] as number;
    expect(expiresAt - nowSeconds()).toBeGreaterThan(7 * 86400 - 10);
    expect(expiresAt - nowSeconds()).toBeLessThanOrEqual(7 * 86400);
  });

  it('answers 500 and notes nothing when the queue refuses, so the provider’s retry is handled in full', async () => {
    const event = providerEvent();
    sqs.on(SendMessageCommand).rejectsOnce(new Error('queue unavailable'));
    const res = await signedDelivery(event);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error: { code: 'INTERNAL' } });
    expect(db().get(WEBHOOK_EVENTS_TABLE, event.id)).toBeUndefined();

    const retry = await signedDelivery(event);
    expect(retry.status).toBe(202);
    // The first send was refused; the retry's went through.
    expect(results().map((r) => r.providerEventId)).toEqual([event.id, event.id]);
    expect(db().get(WEBHOOK_EVENTS_TABLE, event.id)).toBeDefined();
  });

  it('still answers 202 when the event cannot be noted as handled: a redelivery is handled again, and downstream drops the repeat', async () => {
    ddb.on(PutCommand, { TableName: WEBHOOK_EVENTS_TABLE }).rejects(new Error('throttled'));
    const event = providerEvent();
    expect((await signedDelivery(event)).status).toBe(202);
    expect((await signedDelivery(event)).status).toBe(202);
    expect(results().map((r) => r.providerEventId)).toEqual([event.id, event.id]);
  });
});

describe('POST /payment/webhook: refunds', () => {
  beforeEach(() => {
    db().put(REFUNDS_TABLE, refundRecord());
  });

  it('queues a refund that succeeded for order-service, and records it', async () => {
    const res = await signedDelivery(refundEvent());
    expect(res.status).toBe(202);
    expect(results()).toEqual([
      {
        kind: 'refund',
        providerEventId: 'evt_refund_1',
        orderId: ORDER_ID,
        chargeId: CHARGE_ID,
        refundId: 're_1',
        outcome: 'SUCCEEDED',
        amount: TOTAL,
        reason: 'order cancelled',
        correlationId: 'order-corr-1',
      },
    ]);
    expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'SUCCEEDED', refundId: 're_1' });
  });

  it('asks again, later, with the next attempt when a refund failed and attempts are left', async () => {
    const res = await signedDelivery(refundEvent({ type: 'refund.failed', failureReason: 'expired_or_canceled_card' }));
    expect(res.status).toBe(202);
    expect(results()).toEqual([]);
    expect(refundRequests()).toEqual([
      { request: expect.objectContaining({ orderId: ORDER_ID, chargeId: CHARGE_ID, amount: TOTAL, reason: 'order cancelled', attempt: 2 }), delay: 5 },
    ]);
    expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'FAILED', failureReason: 'expired_or_canceled_card', attempt: 1 });
    expect(incidents()).toEqual([]);
  });

  it('answers 500 and leaves the refund as it was when the next attempt cannot be asked for: the retry asks for it', async () => {
    sqs.on(SendMessageCommand, { QueueUrl: REFUNDS_QUEUE_URL }).rejectsOnce(new Error('queue unavailable'));
    const event = refundEvent({ type: 'refund.failed', failureReason: 'expired_or_canceled_card' });

    const res = await signedDelivery(event);
    expect(res.status).toBe(500);
    expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'PENDING', refundId: 're_1', attempt: 1 });
    expect(db().get(WEBHOOK_EVENTS_TABLE, event.id)).toBeUndefined();

    expect((await signedDelivery(event)).status).toBe(202);
    // The refused send, then the retry's.
    const asked = expect.objectContaining({ chargeId: CHARGE_ID, attempt: 2 });
    expect(refundRequests().map((r) => r.request)).toEqual([asked, asked]);
    expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'FAILED', attempt: 1 });
  });

  it('raises the RefundFailed incident and tells order-service when the last attempt failed', async () => {
    db().put(REFUNDS_TABLE, refundRecord({ attempt: 3, refundId: 're_3' }));
    const res = await signedDelivery(refundEvent({ type: 'refund.failed', refundId: 're_3', failureReason: 'expired_or_canceled_card' }));
    expect(res.status).toBe(202);
    expect(refundRequests()).toEqual([]);
    expect(incidents()).toEqual([
      { type: 'RefundFailed', detail: { orderId: ORDER_ID, chargeId: CHARGE_ID, amount: TOTAL, attempts: 3, reason: 'expired_or_canceled_card' } },
    ]);
    expect(results()).toEqual([expect.objectContaining({ kind: 'refund', outcome: 'FAILED', chargeId: CHARGE_ID })]);
  });

  it('drops a refund event for a refund already decided: the first final word stands', async () => {
    await signedDelivery(refundEvent());
    const late = await signedDelivery(refundEvent({ id: 'evt_refund_late' }));
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ received: true, duplicate: true });
    expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'SUCCEEDED' });
    expect(results()).toHaveLength(1);
    expect(provider.chargeRefunds).not.toHaveBeenCalled();
  });

  it('asks the provider when a refund fails after it succeeded: nothing changes while all of the charge is still given back', async () => {
    await signedDelivery(refundEvent());
    provider.chargeRefunds.mockResolvedValue({ chargeId: CHARGE_ID, amount: TOTAL, refunded: TOTAL });
    const late = await signedDelivery(refundEvent({ id: 'evt_refund_late', type: 'refund.failed' }));
    expect(late.body).toEqual({ received: true, duplicate: true });
    expect(incidents()).toEqual([]);
    expect(results()).toHaveLength(1);
  });

  it('raises RefundFailed for the money held again when a refund fails after it succeeded (the card’s account closed): the order said REFUNDED', async () => {
    await signedDelivery(refundEvent());
    provider.chargeRefunds.mockResolvedValue({ chargeId: CHARGE_ID, amount: TOTAL, refunded: { amount: 0, currency: TOTAL.currency } });
    const late = await signedDelivery(refundEvent({ id: 'evt_refund_reversed', type: 'refund.failed', failureReason: 'account_closed' }));
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ received: true });
    expect(incidents()).toEqual([
      {
        type: 'RefundFailed',
        detail: {
          orderId: ORDER_ID,
          chargeId: CHARGE_ID,
          amount: TOTAL,
          attempts: 1,
          reason: `refund re_1 failed after it had succeeded (account_closed): 0 of ${TOTAL.amount} ${TOTAL.currency} given back`,
        },
      },
    ]);
    // Order-service's SUCCEEDED is final: the incident is what lets a person act. A redelivery raises nothing more.
    expect(results()).toHaveLength(1);
    expect((await signedDelivery(refundEvent({ id: 'evt_refund_reversed', type: 'refund.failed', failureReason: 'account_closed' }))).body).toEqual({ received: true, duplicate: true });
    expect(incidents()).toHaveLength(1);
  });

  describe('when the provider will not give its account of the charge a refund event needs', () => {
    const operatorsRefund = () => refundEvent({ id: 'evt_refund_hand', refundId: 're_hand', attempt: null });

    it('a refusal that lasts (404) is the RefundFailed incident, and the event is acknowledged: the provider does not deliver it for days, then disable the endpoint', async () => {
      provider.chargeRefunds.mockRejectedValue(new PaymentProviderRejectedError(404, `No such charge: ${CHARGE_ID}`, 1, 'resource_missing'));
      const res = await signedDelivery(operatorsRefund());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true });
      expect(incidents()).toEqual([
        {
          type: 'RefundFailed',
          detail: {
            orderId: ORDER_ID,
            chargeId: CHARGE_ID,
            amount: TOTAL,
            attempts: 1,
            reason: `refund.succeeded of refund re_hand, but the provider would not tell what the charge has given back (404 resource_missing: No such charge: ${CHARGE_ID}); see the charge in its dashboard`,
          },
        },
      ]);
      expect(db().get(WEBHOOK_EVENTS_TABLE, 'evt_refund_hand')).toBeDefined();
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'PENDING', refundId: 're_1' });
      expect(results()).toEqual([]);
    });

    it('so is one for a refund that failed after it succeeded', async () => {
      await signedDelivery(refundEvent());
      provider.chargeRefunds.mockRejectedValue(new PaymentProviderRejectedError(400, 'charge id malformed', 1));
      const res = await signedDelivery(refundEvent({ id: 'evt_refund_reversed', type: 'refund.failed', failureReason: 'account_closed' }));
      expect(res.status).toBe(200);
      expect(incidents()).toEqual([
        expect.objectContaining({ type: 'RefundFailed', detail: expect.objectContaining({ reason: expect.stringMatching(/^refund\.failed of refund re_1, but the provider would not tell .*\(400: charge id malformed\)/) }) }),
      ]);
    });

    it('a refusal of the shop’s key (401), or no answer, is not lasting: 500, nothing noted, and the provider’s retry asks again', async () => {
      provider.chargeRefunds.mockRejectedValueOnce(new PaymentProviderRejectedError(401, 'Invalid API key', 1));
      provider.chargeRefunds.mockRejectedValueOnce(new PaymentProviderUnavailableError(3, 'HTTP 503: busy'));
      for (let delivery = 0; delivery < 2; delivery += 1) {
        expect((await signedDelivery(operatorsRefund())).status).toBe(500);
        expect(db().get(WEBHOOK_EVENTS_TABLE, 'evt_refund_hand')).toBeUndefined();
      }
      expect(incidents()).toEqual([]);
    });
  });

  it('asks the provider nothing when the attempt’s own refund gives back all of the charge', async () => {
    await signedDelivery(refundEvent());
    expect(provider.chargeRefunds).not.toHaveBeenCalled();
  });

  it('drops the failure of a refund that is not the attempt under way (an operator’s, say): nothing changes', async () => {
    const res = await signedDelivery(refundEvent({ type: 'refund.failed', refundId: 're_hand', failureReason: 'expired_or_canceled_card' }));
    expect(res.body).toEqual({ received: true, duplicate: true });
    expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'PENDING', refundId: 're_1' });
    expect(sqs.calls()).toHaveLength(0);
  });

  describe('a refund event that overtakes refund-payment’s note of its refund id (the record is REQUESTED, without one)', () => {
    beforeEach(() => {
      const { refundId: _noted, ...requested } = refundRecord({ attempt: 2, status: 'REQUESTED' });
      db().put(REFUNDS_TABLE, requested);
    });

    it('is the attempt’s own when its metadata names the attempt: decided at once', async () => {
      const res = await signedDelivery(refundEvent({ refundId: 're_2', attempt: 2 }));
      expect(res.status).toBe(202);
      expect(results()).toEqual([expect.objectContaining({ kind: 'refund', refundId: 're_2', outcome: 'SUCCEEDED' })]);
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'SUCCEEDED', refundId: 're_2', attempt: 2 });
    });

    it('an earlier attempt’s failure, delivered again late, is not this attempt’s: nothing changes, no attempt is spent', async () => {
      const res = await signedDelivery(refundEvent({ id: 'evt_refund_1_again', type: 'refund.failed', refundId: 're_1', attempt: 1, failureReason: 'expired_or_canceled_card' }));
      expect(res.body).toEqual({ received: true, duplicate: true });
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'REQUESTED', attempt: 2 });
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).not.toHaveProperty('refundId');
      expect(refundRequests()).toEqual([]);
      expect(incidents()).toEqual([]);
    });

    it('an operator’s refund that fails (its metadata names no attempt) is not this attempt’s either', async () => {
      const res = await signedDelivery(refundEvent({ id: 'evt_refund_hand', type: 'refund.failed', refundId: 're_hand', attempt: null, failureReason: 'expired_or_canceled_card' }));
      expect(res.body).toEqual({ received: true, duplicate: true });
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'REQUESTED', attempt: 2 });
      expect(refundRequests()).toEqual([]);
    });
  });

  describe('a refund the shop did not make, or one for less than the charge, is taken on the provider’s account of the charge', () => {
    const spent = () => db().put(REFUNDS_TABLE, refundRecord({ attempt: 3, status: 'FAILED', refundId: 're_3', failureReason: 'expired_or_canceled_card' }));

    it('an operator’s refund after the attempts were spent, that brings all of the charge back: order-service hears SUCCEEDED, and the record says so', async () => {
      spent();
      provider.chargeRefunds.mockResolvedValue({ chargeId: CHARGE_ID, amount: TOTAL, refunded: TOTAL });
      const res = await signedDelivery(refundEvent({ id: 'evt_hand', refundId: 're_hand' }));
      expect(res.status).toBe(202);
      expect(provider.chargeRefunds).toHaveBeenCalledWith(CHARGE_ID, expect.objectContaining({ deadline: expect.any(Number) }));
      expect(results()).toEqual([
        { kind: 'refund', providerEventId: 'evt_hand', orderId: ORDER_ID, chargeId: CHARGE_ID, refundId: 're_hand', outcome: 'SUCCEEDED', amount: TOTAL, reason: 'order cancelled', correlationId: 'order-corr-1' },
      ]);
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'SUCCEEDED', refundId: 're_hand', attempt: 3 });
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).not.toHaveProperty('failureReason');
      expect(incidents()).toEqual([]);
    });

    it('an operator’s refund of part of the charge changes nothing: the incident stands until the rest is back', async () => {
      spent();
      provider.chargeRefunds.mockResolvedValue({ chargeId: CHARGE_ID, amount: TOTAL, refunded: { amount: 1000, currency: 'USD' } });
      const res = await signedDelivery(refundEvent({ id: 'evt_hand', refundId: 're_hand', amount: 1000 }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true });
      expect(results()).toEqual([]);
      expect(refundRequests()).toEqual([]);
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'FAILED', refundId: 're_3' });

      provider.chargeRefunds.mockResolvedValue({ chargeId: CHARGE_ID, amount: TOTAL, refunded: TOTAL });
      expect((await signedDelivery(refundEvent({ id: 'evt_hand_2', refundId: 're_hand_2', amount: TOTAL.amount - 1000 }))).status).toBe(202);
      expect(results()).toEqual([expect.objectContaining({ outcome: 'SUCCEEDED', refundId: 're_hand_2', amount: TOTAL })]);
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'SUCCEEDED' });
    });

    it('the attempt’s own refund for less than the charge, with the rest back already: SUCCEEDED for what the charge got back', async () => {
      provider.chargeRefunds.mockResolvedValue({ chargeId: CHARGE_ID, amount: TOTAL, refunded: TOTAL });
      expect((await signedDelivery(refundEvent({ amount: 1000 }))).status).toBe(202);
      expect(results()).toEqual([expect.objectContaining({ outcome: 'SUCCEEDED', refundId: 're_1', amount: TOTAL })]);
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'SUCCEEDED', refundId: 're_1' });
    });

    it('the attempt’s own refund for less than the charge, the rest not back: a failed attempt; the next asks for what is left', async () => {
      provider.chargeRefunds.mockResolvedValue({ chargeId: CHARGE_ID, amount: TOTAL, refunded: { amount: 1000, currency: 'USD' } });
      expect((await signedDelivery(refundEvent({ amount: 1000 }))).status).toBe(202);
      expect(results()).toEqual([]);
      expect(refundRequests()).toEqual([{ request: expect.objectContaining({ chargeId: CHARGE_ID, attempt: 2 }), delay: 5 }]);
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'FAILED', failureReason: `partial refund: 1000 of ${TOTAL.amount} USD given back` });
    });

    it('answers 500 and changes nothing when the provider cannot say: its retry of the webhook asks again', async () => {
      spent();
      provider.chargeRefunds.mockRejectedValue(new Error('no answer in time'));
      expect((await signedDelivery(refundEvent({ id: 'evt_hand', refundId: 're_hand' }))).status).toBe(500);
      expect(results()).toEqual([]);
      expect(db().get(REFUNDS_TABLE, CHARGE_ID)).toMatchObject({ status: 'FAILED' });
      expect(db().get(WEBHOOK_EVENTS_TABLE, 'evt_hand')).toBeUndefined();
    });
  });

  it('refuses, with 200 and without queueing, a refund the shop never asked for, of a charge it does not know: nothing to do', async () => {
    const res = await signedDelivery(refundEvent({ chargeId: 'ch_unknown' }));
    expect(res.body).toEqual({ received: true, rejected: 'UNKNOWN_REFUND' });
    expect(sqs.calls()).toHaveLength(0);
    expect(incidents()).toEqual([]);
  });

  it('raises UnknownRefund for a refund the shop never asked for, of the charge that paid its order (the dashboard, a leaked key): the order may still ship', async () => {
    // A paid order whose charge the shop never asked to refund.
    const paidOrder = '77777777-7777-4777-8777-777777777777';
    db().put(PAYMENTS_TABLE, paymentRecord({ orderId: paidOrder, chargeId: 'ch_paid', status: 'SUCCEEDED' }));
    const outside = refundEvent({ id: 'evt_refund_outside', refundId: 're_outside', chargeId: 'ch_paid', orderId: paidOrder });
    const res = await signedDelivery(outside);
    expect(res.body).toEqual({ received: true, rejected: 'UNKNOWN_REFUND' });
    expect(incidents()).toEqual([
      { type: 'UnknownRefund', detail: { orderId: paidOrder, providerEventId: 'evt_refund_outside', chargeId: 'ch_paid', refundId: 're_outside', refunded: TOTAL } },
    ]);
    expect(results()).toEqual([]);
    expect(refundRequests()).toEqual([]);
    // Its redelivery raises nothing more.
    expect((await signedDelivery(outside)).body).toEqual({ received: true, duplicate: true });
    expect(incidents()).toHaveLength(1);
  });
});

describe('POST /payment/webhook: one provider event delivered twice at once', () => {
  // Both deliveries pass the webhook-events check before either notes the event: each raises the
  // incident, and the bus gets the same event twice, which its consumers (idempotent by event id) take once.
  const paidOrder = '77777777-7777-4777-8777-777777777777';
  it.each([
    ['PaymentMismatch', () => providerEvent({ amount: 1 })],
    ['UnknownCharge', () => providerEvent({ id: 'evt_foreign', orderId: 'pos-1234', chargeId: 'ch_pos' })],
    [
      'UnknownRefund',
      () => {
        db().put(PAYMENTS_TABLE, paymentRecord({ orderId: paidOrder, chargeId: 'ch_paid', status: 'SUCCEEDED' }));
        return refundEvent({ id: 'evt_refund_outside', refundId: 're_outside', chargeId: 'ch_paid', orderId: paidOrder });
      },
    ],
    [
      'RefundFailed',
      () => {
        db().put(REFUNDS_TABLE, refundRecord({ attempt: 3, refundId: 're_3' }));
        return refundEvent({ type: 'refund.failed', refundId: 're_3', failureReason: 'expired_or_canceled_card' });
      },
    ],
  ])('raises %s twice with one event id', async (type, makeEvent) => {
    const event = makeEvent();
    await Promise.all([signedDelivery(event), signedDelivery(event)]);
    const raised = incidentIds();
    expect(raised.map((i) => i.type)).toEqual([type, type]);
    expect(raised[1]?.id).toBe(raised[0]?.id);
  });

  it('raises the incidents of two different provider events with different ids', async () => {
    await Promise.all([signedDelivery(providerEvent({ id: 'evt_mismatch_1', amount: 1 })), signedDelivery(providerEvent({ id: 'evt_mismatch_2', amount: 2 }))]);
    const raised = incidentIds();
    expect(raised.map((i) => i.type)).toEqual(['PaymentMismatch', 'PaymentMismatch']);
    expect(raised[1]?.id).not.toBe(raised[0]?.id);
  });
});

describe('POST /payment/webhook: what it refuses', () => {
  describe('refuses with 401, touching neither DynamoDB nor SQS,', () => {
    const raw = JSON.stringify(providerEvent());
    const cases: [string, () => string | undefined, string, string?][] = [
      ['a forged signature', () => `t=${nowSeconds()},v1=${'0'.repeat(64)}`, 'INVALID_SIGNATURE'],
      ['a missing signature header', () => undefined, 'INVALID_SIGNATURE'],
      ['a malformed signature header', () => 'sha256=abc', 'INVALID_SIGNATURE'],
      ['a signature made with the wrong secret', () => sign(raw, { secret: 'whsec_attacker' }), 'INVALID_SIGNATURE'],
      ['a body changed after signing', () => sign(raw), 'INVALID_SIGNATURE', raw.replace('charge.succeeded', 'charge.failed')],
      ['a stale timestamp (301 s old)', () => sign(raw, { at: nowSeconds() - 301 }), 'STALE_WEBHOOK'],
      ['a replay an hour later', () => sign(raw, { at: nowSeconds() - 3600 }), 'STALE_WEBHOOK'],
      ['a timestamp 301 s in the future', () => sign(raw, { at: nowSeconds() + 301 }), 'STALE_WEBHOOK'],
    ];

    it.each(cases)('%s', async (_, signature, code, body = raw) => {
      const res = await deliver(body, signature());
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code } });
      expect(ddb.calls()).toHaveLength(0);
      expect(sqs.calls()).toHaveLength(0);
    });
  });

  it('accepts a signature within the 300 s tolerance', async () => {
    const raw = JSON.stringify(providerEvent());
    expect((await deliver(raw, sign(raw, { at: nowSeconds() - 290 }))).status).toBe(202);
    expect((await deliver(raw, sign(raw, { at: nowSeconds() + 290 }))).status).toBe(200);
  });

  it.each([
    ['signed JSON that is not a provider event', JSON.stringify({ hello: 'world' }), 'VALIDATION_FAILED'],
    ['an unknown event type', JSON.stringify({ ...providerEvent(), type: 'charge.refunded' }), 'VALIDATION_FAILED'],
    // An order id that is not the shop's is not malformed: it is acknowledged (see 'names no order of the shop' above).
    ['an amount that is not a whole number of minor units', JSON.stringify(providerEvent({ amount: 15.5 })), 'VALIDATION_FAILED'],
    ['an amount that is not a whole number, on an event naming no order of the shop', JSON.stringify(providerEvent({ orderId: 'order-1', amount: 15.5 })), 'VALIDATION_FAILED'],
    ['signed text that is not JSON', 'not json', 'INVALID_JSON'],
  ])('answers 400 to %s (after the signature check), and writes nothing', async (_, raw, code) => {
    const res = await deliver(raw, sign(raw));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code } });
    expect(ddb.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('answers 413 to a body over 64 KB, and writes nothing', async () => {
    const raw = JSON.stringify({ ...providerEvent(), padding: 'x'.repeat(65 * 1024) });
    const res = await deliver(raw, sign(raw));
    expect(res.status).toBe(413);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('POST /payment/webhook: its secret', () => {
  it('asks Parameter Store for the secret, decrypted, at most once for many deliveries (cached)', async () => {
    const event = providerEvent();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await signedDelivery(event)).status);
    expect(statuses).toEqual([202, 200, 200]);
    const reads = ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input);
    expect(reads.length).toBeLessThanOrEqual(1);
    for (const read of reads) expect(read).toEqual({ Name: WEBHOOK_SECRET_PARAMETER, WithDecryption: true });
  });

  it.each([
    ['SSM refuses us', () => Object.assign(new Error('User is not authorized to perform: ssm:GetParameter'), { name: 'AccessDeniedException' })],
    ['SSM does not answer in time', () => Object.assign(new Error('Request timed out'), { name: 'TimeoutError' })],
  ])('answers 503, never 401, when %s, and touches neither DynamoDB nor SQS: the provider retries', async (_, failure) => {
    // A parameter this function has not read yet, so no cached value hides the failure.
    const unreadable = '/shop/test/payment-provider/unreadable';
    vi.stubEnv('PAYMENT_WEBHOOK_SECRET_PARAMETER', unreadable);
    ssm.on(GetParameterCommand, { Name: unreadable }).rejects(failure());
    const raw = JSON.stringify(providerEvent());

    const res = await deliver(raw, sign(raw));

    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Payments cannot be handled right now; please try again shortly' } });
    expect(res.headers['retry-after']).toBe('5');
    expect(ddb.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });
});
