import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/common';
import { PaymentResultMessage } from '@shop/domain';
import { invokeHandler, routeEvent } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/payment-webhook';
import { service } from '../../src/service';
import {
  nowSeconds,
  ORDER_ID,
  PAYMENTS_TABLE,
  providerEvent,
  QUEUE_URL,
  sign,
  WEBHOOK_EVENTS_TABLE,
  withPaymentEnvironment,
} from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const route = httpRoute(service, 'payment-webhook');
withPaymentEnvironment();
beforeEach(() => {
  ddb.reset();
  sqs.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});
afterAll(() => {
  ddb.restore();
  sqs.restore();
});

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

function deliver(rawBody: string, signature: string | undefined, options: { headers?: Record<string, string>; isBase64Encoded?: boolean } = {}) {
  const headers = { ...(signature === undefined ? {} : { 'provider-signature': signature }), ...options.headers };
  const body = options.isBase64Encoded ? Buffer.from(rawBody, 'utf8').toString('base64') : rawBody;
  return invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body, headers, isBase64Encoded: options.isBase64Encoded ?? false }));
}

const signedDelivery = (event: object = providerEvent(), options?: Parameters<typeof deliver>[2]) => {
  const raw = JSON.stringify(event);
  return deliver(raw, sign(raw), options);
};

function sentMessages() {
  return sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
}

describe('POST /payment/webhook', () => {
  it('queues one PaymentResultMessage for a genuine charge.succeeded and answers 202', async () => {
    const event = providerEvent();
    const res = await signedDelivery(event, { headers: { 'x-correlation-id': 'checkout-77' } });

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ received: true });
    const sent = sentMessages();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.QueueUrl).toBe(QUEUE_URL);
    expect(PaymentResultMessage.parse(JSON.parse(sent[0]?.MessageBody ?? ''))).toEqual({
      providerEventId: event.id,
      orderId: ORDER_ID,
      outcome: 'SUCCEEDED',
      correlationId: 'checkout-77',
    });
    expect(sent[0]?.MessageAttributes).toEqual({ correlationId: { DataType: 'String', StringValue: 'checkout-77' } });
  });

  it("carries the order's own correlation id, which the charge's metadata echoes, rather than the webhook request's", async () => {
    const event = providerEvent();
    await signedDelivery({ ...event, data: { ...event.data, metadata: { orderId: ORDER_ID, correlationId: 'order-corr-1' } } }, { headers: { 'x-correlation-id': 'webhook-9' } });
    expect(JSON.parse(sentMessages()[0]?.MessageBody ?? '')).toMatchObject({ correlationId: 'order-corr-1' });
  });

  it('records the event id for 7 days before queueing, only if it is new', async () => {
    const event = providerEvent();
    await signedDelivery(event);

    const [put] = ddb.commandCalls(PutCommand);
    const input = put?.args[0].input;
    expect(input).toMatchObject({
      TableName: WEBHOOK_EVENTS_TABLE,
      Item: { eventId: event.id, orderId: ORDER_ID },
      ConditionExpression: 'attribute_not_exists(eventId)',
    });
    const expiresAt = input?.Item?.['expiresAt'] as number;
    expect(expiresAt - nowSeconds()).toBeGreaterThan(7 * 86400 - 10);
    expect(expiresAt - nowSeconds()).toBeLessThanOrEqual(7 * 86400);
    expect(Date.parse(String(input?.Item?.['receivedAt']))).toBeGreaterThan(Date.now() - 5000);
  });

  it('queues FAILED with the reason for charge.failed, and marks the payment DECLINED', async () => {
    const event = providerEvent({ type: 'charge.failed', failureReason: 'card_declined' });
    const res = await signedDelivery(event);

    expect(res.status).toBe(202);
    expect(JSON.parse(sentMessages()[0]?.MessageBody ?? '')).toMatchObject({ outcome: 'FAILED', reason: 'card_declined' });
    const [update] = ddb.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      TableName: PAYMENTS_TABLE,
      Key: { orderId: ORDER_ID },
      ConditionExpression: 'attribute_not_exists(lastEventAt) OR lastEventAt <= :eventAt',
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'DECLINED', ':reason': 'card_declined', ':eventAt': event.created }),
    });
  });

  it('updates the payments record to SUCCEEDED, unless a newer event is there', async () => {
    await signedDelivery();
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({ ':status': 'SUCCEEDED' });

    ddb.on(UpdateCommand).rejects(conditionFailed());
    const older = await signedDelivery(providerEvent({ id: 'evt_older' }));
    expect(older.status).toBe(202);
  });

  it('still answers 202 when the payments record cannot be updated: it is bookkeeping', async () => {
    ddb.on(UpdateCommand).rejects(new Error('throttled'));
    const res = await signedDelivery();
    expect(res.status).toBe(202);
    expect(sentMessages()).toHaveLength(1);
  });

  it('verifies a base64-encoded body on its decoded bytes', async () => {
    const res = await signedDelivery(providerEvent(), { isBase64Encoded: true });
    expect(res.status).toBe(202);
    expect(sentMessages()).toHaveLength(1);
  });

  it('acknowledges a duplicate event with 200 and queues nothing', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    const res = await signedDelivery();

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: true });
    expect(sentMessages()).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('forgets the event id and answers 500 when the queue refuses, so the provider retries', async () => {
    const event = providerEvent();
    sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    const res = await signedDelivery(event);

    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error: { code: 'INTERNAL' } });
    const [del] = ddb.commandCalls(DeleteCommand);
    expect(del?.args[0].input).toEqual({ TableName: WEBHOOK_EVENTS_TABLE, Key: { eventId: event.id } });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('still answers 500 when forgetting the event id fails too', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    ddb.on(DeleteCommand).rejects(new Error('table unavailable'));
    const res = await signedDelivery();
    expect(res.status).toBe(500);
  });

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
    expect((await deliver(raw, sign(raw, { at: nowSeconds() + 290 }))).status).toBe(202);
  });

  it.each([
    ['signed JSON that is not a provider event', JSON.stringify({ hello: 'world' }), 'VALIDATION_FAILED'],
    ['an unknown event type', JSON.stringify({ ...providerEvent(), type: 'charge.refunded' }), 'VALIDATION_FAILED'],
    ['an order id that is not a UUID', JSON.stringify(providerEvent({ orderId: 'order-1' })), 'VALIDATION_FAILED'],
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
