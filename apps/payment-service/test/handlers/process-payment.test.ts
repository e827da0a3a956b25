import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/common';
import { ProcessPaymentResponse, TEST_PAYMENT_METHODS } from '@shop/domain';
import { invokeHandler, type JwtClaims, routeEvent } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PaymentProviderRejectedError, PaymentProviderUnavailableError } from '../../src/domain/payment-provider';
import { handler } from '../../src/handlers/process-payment';
import { service } from '../../src/service';
import {
  ADMIN,
  CUSTOMER,
  ORDER_ID,
  ORDERS_TABLE,
  OTHER_CUSTOMER,
  PAYMENTS_TABLE,
  storedOrder,
  withPaymentEnvironment,
} from '../fixtures';

// The provider is stubbed at its port (vi.mock is hoisted above the imports); the real client
// is tested against the simulator in test/adapters.
const provider = vi.hoisted(() => ({ charge: vi.fn() }));
vi.mock('../../src/adapters/payment-provider-client', () => ({ paymentProviderClient: () => provider }));

const ddb = mockClient(DynamoDBDocumentClient);
const route = httpRoute(service, 'process-payment');
withPaymentEnvironment();
beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: storedOrder() });
  ddb.on(UpdateCommand).resolves({});
  provider.charge.mockReset();
  provider.charge.mockResolvedValue({ chargeId: 'ch_approved', status: 'pending', attempts: 1 });
});
afterAll(() => {
  ddb.restore();
});

const pay = (body: unknown = { orderId: ORDER_ID, paymentMethod: TEST_PAYMENT_METHODS.approve }, claims: JwtClaims | null = CUSTOMER()) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body, ...(claims ? { claims } : {}) }));

describe('POST /payment/process', () => {
  it("charges the order's total with the order id as idempotency key and answers PROCESSING", async () => {
    const res = await pay();

    expect(res.status).toBe(200);
    expect(ProcessPaymentResponse.parse(res.body)).toEqual({ orderId: ORDER_ID, paymentStatus: 'PROCESSING' });
    expect(provider.charge).toHaveBeenCalledOnce();
    expect(provider.charge.mock.calls[0]?.[0]).toEqual({
      orderId: ORDER_ID,
      amount: 3300,
      currency: 'USD',
      paymentMethod: TEST_PAYMENT_METHODS.approve,
    });
    const [get] = ddb.commandCalls(GetCommand);
    expect(get?.args[0].input).toMatchObject({ TableName: ORDERS_TABLE, Key: { orderId: ORDER_ID }, ConsistentRead: true });
  });

  it('records the charge in payments: charge id, status, the payment method token and the attempts', async () => {
    provider.charge.mockResolvedValue({ chargeId: 'ch_after_retry', status: 'pending', attempts: 2 });
    await pay();

    const [update] = ddb.commandCalls(UpdateCommand);
    const input = update?.args[0].input;
    expect(input).toMatchObject({ TableName: PAYMENTS_TABLE, Key: { orderId: ORDER_ID } });
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':chargeId': 'ch_after_retry',
      ':status': 'PROCESSING',
      ':paymentMethod': TEST_PAYMENT_METHODS.approve,
      ':attempts': 2,
    });
    expect(input?.UpdateExpression).toContain('#status = if_not_exists(#status, :status)');
    expect(input?.UpdateExpression).toContain('attempts = if_not_exists(attempts, :zero) + :attempts');
    expect(Date.parse(String(input?.ExpressionAttributeValues?.[':now']))).toBeGreaterThan(Date.now() - 5000);
  });

  it('answers DECLINED with the reason when the provider declines at once', async () => {
    provider.charge.mockResolvedValue({ chargeId: 'ch_declined', status: 'declined', failureReason: 'card_declined', attempts: 1 });
    const res = await pay({ orderId: ORDER_ID, paymentMethod: TEST_PAYMENT_METHODS.decline });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ orderId: ORDER_ID, paymentStatus: 'DECLINED', reason: 'card_declined' });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':status': 'DECLINED',
      ':reason': 'card_declined',
    });
  });

  it("gives the provider a deadline inside the function's remaining time", async () => {
    const before = Date.now();
    await pay();
    const { deadline } = provider.charge.mock.calls[0]?.[1] as { deadline: number };
    // lambdaContext() gives 10 s; the handler keeps some back to record and answer.
    expect(deadline).toBeGreaterThan(before + 5000);
    expect(deadline).toBeLessThan(before + 10_000);
  });

  it("answers 404 ORDER_NOT_FOUND for another customer's order, and charges nothing", async () => {
    const res = await pay(undefined, OTHER_CUSTOMER());
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'ORDER_NOT_FOUND', message: 'Order not found' } });
    expect(provider.charge).not.toHaveBeenCalled();
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it("answers 404 to an ADMIN too: only the order's owner pays for it", async () => {
    const res = await pay(undefined, ADMIN());
    expect(res.status).toBe(404);
    expect(provider.charge).not.toHaveBeenCalled();
  });

  it('answers 404 ORDER_NOT_FOUND for an unknown order', async () => {
    ddb.on(GetCommand).resolves({});
    const res = await pay();
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'ORDER_NOT_FOUND' } });
    expect(provider.charge).not.toHaveBeenCalled();
  });

  it.each(['PENDING', 'PAID', 'CANCELLED', 'PAYMENT_FAILED'] as const)(
    'answers 409 ORDER_NOT_PAYABLE naming the status for a %s order, and charges nothing',
    async (status) => {
      ddb.on(GetCommand).resolves({ Item: storedOrder({ status }) });
      const res = await pay();
      expect(res.status).toBe(409);
      const error = (res.body as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('ORDER_NOT_PAYABLE');
      expect(error.message).toContain(status);
      expect(provider.charge).not.toHaveBeenCalled();
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    },
  );

  it('answers 502 PAYMENT_PROVIDER_UNAVAILABLE when the provider is down, and records nothing', async () => {
    provider.charge.mockRejectedValue(new PaymentProviderUnavailableError(3, 'HTTP 503: temporarily unavailable'));
    const res = await pay();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it.each([
    [400, 400, 'PAYMENT_REJECTED'],
    [402, 402, 'PAYMENT_REJECTED'],
    [409, 409, 'PAYMENT_ALREADY_SUBMITTED'],
  ])('answers a provider %i as %i %s with its message', async (providerStatus, status, code) => {
    provider.charge.mockRejectedValue(new PaymentProviderRejectedError(providerStatus, 'unknown payment method pm_card_x', 1));
    const res = await pay({ orderId: ORDER_ID, paymentMethod: 'pm_card_x' });
    expect(res.status).toBe(status);
    const error = (res.body as { error: { code: string; message: string } }).error;
    expect(error.code).toBe(code);
    expect(error.message).toContain('unknown payment method pm_card_x');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers 502, not 401, when the provider refuses our own API key', async () => {
    provider.charge.mockRejectedValue(new PaymentProviderRejectedError(401, 'missing or invalid API key', 1));
    const res = await pay();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
  });

  it.each([
    ['a card number as payment method', { orderId: ORDER_ID, paymentMethod: '4242 4242 4242 4242' }, 'paymentMethod'],
    ['an order id that is not a UUID', { orderId: 'order-1', paymentMethod: TEST_PAYMENT_METHODS.approve }, 'orderId'],
    ['a missing payment method', { orderId: ORDER_ID }, 'paymentMethod'],
    ['an unknown field', { orderId: ORDER_ID, paymentMethod: TEST_PAYMENT_METHODS.approve, cvc: '123' }, 'cvc'],
  ])('answers 400 naming the field for %s, and reads nothing', async (_, body, field) => {
    const res = await pay(body);
    expect(res.status).toBe(400);
    const details = (res.body as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
    expect(provider.charge).not.toHaveBeenCalled();
  });

  it('answers 401 without a signed-in caller, and reads nothing', async () => {
    const res = await pay(undefined, null);
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
    expect(provider.charge).not.toHaveBeenCalled();
  });
});
