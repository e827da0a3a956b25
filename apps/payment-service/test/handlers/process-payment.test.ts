import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { httpRoute } from '@shop/platform';
import { ProcessPaymentResponse, TEST_PAYMENT_METHODS } from '@shop/contracts';
import { invokeAnswer, invokeHandler, type JwtClaims, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PaymentProviderBusyError, PaymentProviderRejectedError, PaymentProviderUnavailableError } from '../../src/domain/payment-provider';
import { handler } from '../../src/handlers/process-payment';
import { service } from '../../src/service';
import { BEGIN_PAYMENT_FUNCTION, CUSTOMER, CUSTOMER_ID, ORDER_ID, PAYMENTS_TABLE, RELEASE_PAYMENT_CLAIM_FUNCTION, TABLE_KEYS, TOTAL, withPaymentEnvironment } from '../fixtures';

// The provider is stubbed at its port (vi.mock is hoisted above the imports); the real client
// is tested against the simulator in test/adapters.
const provider = vi.hoisted(() => ({ charge: vi.fn() }));
vi.mock('../../src/adapters/payment-provider-client', () => ({ paymentProviderClient: () => provider }));

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'process-payment'] });
const lambda = mockClient(LambdaClient);
const route = httpRoute(service, 'process-payment');
withPaymentEnvironment();
const claim = { orderId: ORDER_ID, amount: TOTAL, correlationId: 'order-corr-1', paymentDueAt: '2030-01-01T00:00:00.000Z' };
const answer = invokeAnswer;
/** begin-payment refuses the way Lambda reports a function's named error. */
const refusal = (errorType: string, errorMessage: string) => answer({ errorType, errorMessage }, 'Unhandled');
beforeEach(() => {
  lambda.reset();
  lambda.on(InvokeCommand).resolves(answer(claim));
  provider.charge.mockReset();
  provider.charge.mockResolvedValue({ chargeId: 'ch_approved', status: 'pending', attempts: 1 });
});
afterAll(() => {
  lambda.restore();
});
const payment = () => db().get(PAYMENTS_TABLE, ORDER_ID);

const pay = (body: unknown = { orderId: ORDER_ID, paymentMethod: TEST_PAYMENT_METHODS.approve }, claims: JwtClaims | null = CUSTOMER()) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body, ...(claims ? { claims } : {}) }));

describe('POST /payment/process', () => {
  it("claims the order first, then charges its total with the order id as idempotency key, and answers PROCESSING", async () => {
    const res = await pay();

    expect(res.status).toBe(200);
    expect(ProcessPaymentResponse.parse(res.body)).toEqual({ orderId: ORDER_ID, paymentStatus: 'PROCESSING' });
    const [invoke] = lambda.commandCalls(InvokeCommand);
    expect(invoke?.args[0].input).toMatchObject({ FunctionName: BEGIN_PAYMENT_FUNCTION, InvocationType: 'RequestResponse' });
    expect(JSON.parse(Buffer.from(invoke?.args[0].input.Payload as Uint8Array).toString())).toMatchObject({
      orderId: ORDER_ID,
      userId: CUSTOMER_ID,
      paymentMethod: TEST_PAYMENT_METHODS.approve,
    });
    expect(provider.charge).toHaveBeenCalledOnce();
    expect(provider.charge.mock.calls[0]?.[0]).toEqual({
      orderId: ORDER_ID,
      amount: 3300,
      currency: 'USD',
      paymentMethod: TEST_PAYMENT_METHODS.approve,
      correlationId: 'order-corr-1',
    });
  });

  it('notes what the order must cost before charging, then records the charge: its id, status and attempts', async () => {
    provider.charge.mockImplementation(async () => {
      // The webhook is checked against this; it must be there before the provider can send one.
      expect(payment()).toMatchObject({ amount: TOTAL });
      // Nothing reads the payment method back: the payments table does not keep it.
      expect(payment()).not.toHaveProperty('paymentMethod');
      return { chargeId: 'ch_after_retry', status: 'pending', attempts: 2 };
    });
    await pay();
    expect(payment()).toMatchObject({ orderId: ORDER_ID, amount: TOTAL, chargeId: 'ch_after_retry', status: 'PROCESSING', attempts: 2 });
  });

  it('keeps the status a webhook set first, and adds up attempts across calls', async () => {
    await pay();
    db().put(PAYMENTS_TABLE, { ...payment(), status: 'SUCCEEDED' });
    await pay();
    expect(payment()).toMatchObject({ chargeId: 'ch_approved', status: 'SUCCEEDED', attempts: 2 });
  });

  it('answers DECLINED with the reason when the provider declines at once', async () => {
    provider.charge.mockResolvedValue({ chargeId: 'ch_declined', status: 'declined', failureReason: 'card_declined', attempts: 1 });
    const res = await pay({ orderId: ORDER_ID, paymentMethod: TEST_PAYMENT_METHODS.decline });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ orderId: ORDER_ID, paymentStatus: 'DECLINED', reason: 'card_declined' });
    expect(payment()).toMatchObject({ status: 'DECLINED', reason: 'card_declined' });
  });

  it("gives the provider a deadline inside the function's remaining time", async () => {
    const before = Date.now();
    await pay();
    const { deadline } = provider.charge.mock.calls[0]?.[1] as { deadline: number };
    // lambdaContext() gives 10 s; the handler keeps some back to record and answer.
    expect(deadline).toBeGreaterThan(before + 5000);
    expect(deadline).toBeLessThan(before + 10_000);
  });

  it.each([
    ['OrderNotFound', 'Order x not found', 404, 'ORDER_NOT_FOUND'],
    ['OrderNotPayable', 'Order is CANCELLED; only an order that is AWAITING_PAYMENT can be paid', 409, 'ORDER_NOT_PAYABLE'],
    ['PaymentWindowClosed', 'The payment window of the order closed at 2026-01-01T00:00:00.000Z', 409, 'PAYMENT_WINDOW_CLOSED'],
    ['PaymentInProgress', 'A payment with another payment method is in progress for this order', 409, 'PAYMENT_IN_PROGRESS'],
  ])('answers begin-payment refusing with %s as %i %s, and charges nothing', async (errorType, message, status, code) => {
    lambda.on(InvokeCommand).resolves(refusal(errorType, message));
    const res = await pay();
    expect(res.status).toBe(status);
    expect((res.body as { error: { code: string } }).error.code).toBe(code);
    expect(provider.charge).not.toHaveBeenCalled();
    expect(payment()).toBeUndefined();
  });

  it('says when to ask again when a charge of another payment method holds the order, as when the provider is busy with this one', async () => {
    lambda.on(InvokeCommand).resolves(refusal('PaymentInProgress', 'A payment with another payment method is in progress for this order'));
    const res = await pay();
    expect(res.status).toBe(409);
    expect(res.headers['retry-after']).toBe('2');
  });

  it('names the status of an order that cannot be paid', async () => {
    lambda.on(InvokeCommand).resolves(refusal('OrderNotPayable', 'Order is PAID; only an order that is AWAITING_PAYMENT can be paid'));
    const res = await pay();
    expect((res.body as { error: { message: string } }).error.message).toContain('PAID');
  });

  describe('a resend of a request answered before (its answer lost): the outcome its charge gave the order, not a refusal', () => {
    it.each([
      ['paid the order', { outcome: 'SUCCEEDED', chargeId: 'ch_1' }, { paymentStatus: 'SUCCEEDED' }],
      ['was declined', { outcome: 'FAILED', chargeId: 'ch_1', reason: 'card_declined' }, { paymentStatus: 'DECLINED', reason: 'card_declined' }],
    ])('answers 200 when begin-payment says its charge %s, asking the provider nothing and writing nothing', async (_, decided, expected) => {
      lambda.on(InvokeCommand).resolves(answer({ orderId: ORDER_ID, decided }));
      const res = await pay();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ orderId: ORDER_ID, ...expected });
      expect(ProcessPaymentResponse.parse(res.body)).toEqual(res.body);
      expect(provider.charge).not.toHaveBeenCalled();
      expect(payment()).toBeUndefined();
    });

    it('answers a refusal of begin-payment as the 409 it is: the order was not decided by this request', async () => {
      lambda.on(InvokeCommand).resolves(refusal('OrderNotPayable', 'Order is PAYMENT_FAILED; only an order that is AWAITING_PAYMENT can be paid'));
      const res = await pay();
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: { code: 'ORDER_NOT_PAYABLE', message: expect.stringContaining('PAYMENT_FAILED') } });
    });
  });

  it('answers 409 PAYMENT_IN_PROGRESS, not 502, when the provider is still working on the charge (a resend overtook it)', async () => {
    provider.charge.mockRejectedValue(new PaymentProviderBusyError(3, 'HTTP 409: another request with this key is in progress'));
    const res = await pay();
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'PAYMENT_IN_PROGRESS' } });
    expect(res.headers['retry-after']).toBe('2');
    expect(payment()).not.toHaveProperty('chargeId');
  });

  it('answers 500, charging nothing, when order-service cannot be reached', async () => {
    lambda.on(InvokeCommand).rejects(new Error('Lambda unavailable'));
    const res = await pay();
    expect(res.status).toBe(500);
    expect(provider.charge).not.toHaveBeenCalled();
  });

  it('answers 502 PAYMENT_PROVIDER_UNAVAILABLE when the provider is down, and records no charge', async () => {
    provider.charge.mockRejectedValue(new PaymentProviderUnavailableError(3, 'HTTP 503: temporarily unavailable'));
    const res = await pay();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
    expect(res.headers['retry-after']).toBe('5');
    expect(payment()).not.toHaveProperty('chargeId');
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
    expect(payment()).not.toHaveProperty('chargeId');
  });

  describe('a charge the provider refused without making one (400): the claim is released, so another payment method may be tried at once', () => {
    const CLAIMED_AT = '2030-01-01T00:00:00.000Z';
    const releases = () =>
      lambda
        .commandCalls(InvokeCommand)
        .filter((call) => call.args[0].input.FunctionName === RELEASE_PAYMENT_CLAIM_FUNCTION)
        .map((call) => JSON.parse(Buffer.from(call.args[0].input.Payload as Uint8Array).toString()) as Record<string, unknown>);
    beforeEach(() => {
      lambda.on(InvokeCommand, { FunctionName: BEGIN_PAYMENT_FUNCTION }).resolves(answer({ ...claim, claimedAt: CLAIMED_AT }));
      lambda.on(InvokeCommand, { FunctionName: RELEASE_PAYMENT_CLAIM_FUNCTION }).resolves(answer({ released: true }));
    });

    it('releases this very claim (its method and time), then answers the refusal', async () => {
      provider.charge.mockRejectedValue(new PaymentProviderRejectedError(400, 'unknown payment method pm_card_x', 1));
      const res = await pay({ orderId: ORDER_ID, paymentMethod: 'pm_card_x' });
      expect(res.status).toBe(400);
      expect(releases()).toEqual([{ orderId: ORDER_ID, userId: CUSTOMER_ID, paymentMethod: 'pm_card_x', claimedAt: CLAIMED_AT, correlationId: expect.any(String) }]);
    });

    it.each([
      ['a decline (402), whose charge the provider may still report', 402],
      ['a refusal of our key (401)', 401],
      ['another request with the key (409)', 409],
    ])('keeps the claim for %s', async (_, providerStatus) => {
      provider.charge.mockRejectedValue(new PaymentProviderRejectedError(providerStatus, 'refused', 1));
      await pay({ orderId: ORDER_ID, paymentMethod: 'pm_card_x' });
      expect(releases()).toEqual([]);
    });

    it('still answers the refusal when the release fails: the claim expires by itself', async () => {
      lambda.on(InvokeCommand, { FunctionName: RELEASE_PAYMENT_CLAIM_FUNCTION }).rejects(new Error('Lambda unavailable'));
      provider.charge.mockRejectedValue(new PaymentProviderRejectedError(400, 'unknown payment method pm_card_x', 1));
      const res = await pay({ orderId: ORDER_ID, paymentMethod: 'pm_card_x' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'PAYMENT_REJECTED' } });
    });

    it('leaves a claim from a begin-payment that does not say when it was made (deployed before claims could be released)', async () => {
      lambda.on(InvokeCommand, { FunctionName: BEGIN_PAYMENT_FUNCTION }).resolves(answer(claim));
      provider.charge.mockRejectedValue(new PaymentProviderRejectedError(400, 'unknown payment method pm_card_x', 1));
      const res = await pay({ orderId: ORDER_ID, paymentMethod: 'pm_card_x' });
      expect(res.status).toBe(400);
      expect(releases()).toEqual([]);
    });
  });

  it('answers 502, not 401, when the provider refuses our own API key', async () => {
    provider.charge.mockRejectedValue(new PaymentProviderRejectedError(401, 'missing or invalid API key', 1));
    const res = await pay();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
    expect(res.headers['retry-after']).toBe('5');
  });

  it.each([
    ['a card number as payment method', { orderId: ORDER_ID, paymentMethod: '4242 4242 4242 4242' }, 'paymentMethod'],
    ['an order id that is not a UUID', { orderId: 'order-1', paymentMethod: TEST_PAYMENT_METHODS.approve }, 'orderId'],
    ['a missing payment method', { orderId: ORDER_ID }, 'paymentMethod'],
    ['an unknown field', { orderId: ORDER_ID, paymentMethod: TEST_PAYMENT_METHODS.approve, cvc: '123' }, 'cvc'],
  ])('answers 400 naming the field for %s, and asks nothing of anyone', async (_, body, field) => {
    const res = await pay(body);
    expect(res.status).toBe(400);
    const details = (res.body as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
    expect(provider.charge).not.toHaveBeenCalled();
  });

  it('answers 401 without a signed-in caller, and asks nothing of anyone', async () => {
    const res = await pay(undefined, null);
    expect(res.status).toBe(401);
    expect(lambda.calls()).toHaveLength(0);
    expect(provider.charge).not.toHaveBeenCalled();
  });
});
