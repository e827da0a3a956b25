import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { httpRoute } from '@shop/platform';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { freePort, type PaymentProvider as Simulator, startPaymentProvider } from '@shop/local-cloud';
import { type HandlerAnswer, invokeAnswer, invokeHandler, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { service } from '../../src/service';
import {
  API_KEY,
  API_KEY_PARAMETER,
  CUSTOMER,
  fakeParameterStore,
  ORDER_ID,
  PAYMENTS_TABLE,
  paymentRecord,
  providerEvent,
  sign,
  TABLE_KEYS,
  TOTAL,
  WEBHOOK_SECRET,
  WEBHOOK_SECRET_PARAMETER,
  withPaymentEnvironment,
} from '../fixtures';

/**
 * Runs both handlers with logging on, through the real provider client and the provider
 * simulator, and reads every line they write: the API key and the webhook secret never appear.
 */
const WRONG_KEY = 'sk_test_this_one_is_wrong_8c1d';
const WRONG_KEY_PARAMETER = '/shop/test/payment-provider/old-api-key';
const UNREADABLE_PARAMETER = '/shop/test/payment-provider/unreadable';
const lines: string[] = [];
type Handler = Parameters<typeof invokeHandler>[0];
let processPayment: Handler;
let paymentWebhook: Handler;
let simulator: Simulator;

const { db } = useFakeDynamoDB(TABLE_KEYS);
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const ssm = mockClient(SSMClient);
withPaymentEnvironment();

beforeAll(async () => {
  simulator = await startPaymentProvider({
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: `http://127.0.0.1:${await freePort()}/payment/webhook`,
    // Stopped before any webhook is due: this test is about the handlers' logs.
    webhookDelayMs: 60_000,
  });
  // The logger writes through process.stdout.write when something has replaced it;
  // so replace it, then load the handlers (and the shared logger) afresh at debug level.
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  vi.stubEnv('LOG_LEVEL', 'debug');
  vi.resetModules();
  processPayment = (await import('../../src/handlers/process-payment.js')).handler as Handler;
  paymentWebhook = (await import('../../src/handlers/payment-webhook.js')).handler as Handler;
});
beforeEach(() => {
  vi.stubEnv('PAYMENT_PROVIDER_URL', simulator.url);
  sqs.reset();
  lambda.reset();
  ssm.reset();
  fakeParameterStore(ssm, { [API_KEY_PARAMETER]: API_KEY, [WEBHOOK_SECRET_PARAMETER]: WEBHOOK_SECRET, [WRONG_KEY_PARAMETER]: WRONG_KEY });
  ssm.on(GetParameterCommand, { Name: UNREADABLE_PARAMETER }).rejects(Object.assign(new Error('not authorized to perform ssm:GetParameter'), { name: 'AccessDeniedException' }));
  db().put(PAYMENTS_TABLE, paymentRecord({ chargeId: undefined }));
  const claim = { orderId: ORDER_ID, amount: TOTAL, correlationId: 'order-corr-1', paymentDueAt: '2030-01-01T00:00:00.000Z' };
  lambda.on(InvokeCommand).resolves(invokeAnswer(claim));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});
afterAll(async () => {
  vi.restoreAllMocks();
  sqs.restore();
  lambda.restore();
  ssm.restore();
  await simulator.stop();
});

const pay = (): Promise<HandlerAnswer> =>
  invokeHandler(
    processPayment,
    routeEvent(httpRoute(service, 'process-payment'), {
      body: { orderId: ORDER_ID, paymentMethod: TEST_PAYMENT_METHODS.approve },
      claims: CUSTOMER(),
    }),
  );

const deliver = (raw: string, signature: string): Promise<HandlerAnswer> =>
  invokeHandler(paymentWebhook, routeEvent(httpRoute(service, 'payment-webhook'), { body: raw, headers: { 'provider-signature': signature } }));

describe('logs', () => {
  it('carry neither the provider API key nor the webhook secret, whatever happens', async () => {
    expect((await pay()).status).toBe(200);

    vi.stubEnv('PAYMENT_PROVIDER_API_KEY_PARAMETER', WRONG_KEY_PARAMETER);
    expect((await pay()).status).toBe(502);
    vi.stubEnv('PAYMENT_PROVIDER_API_KEY_PARAMETER', UNREADABLE_PARAMETER);
    expect((await pay()).status).toBe(503);

    vi.stubEnv('PAYMENT_PROVIDER_API_KEY_PARAMETER', API_KEY_PARAMETER);
    vi.stubEnv('PAYMENT_PROVIDER_URL', `http://127.0.0.1:${await freePort()}`);
    expect((await pay()).status).toBe(502);

    const charge = simulator.charges()[0];
    const raw = JSON.stringify(providerEvent({ chargeId: charge?.id }));
    expect((await deliver(raw, sign(raw))).status).toBe(202);
    expect((await deliver(raw, sign(raw, { secret: 'whsec_forged' }))).status).toBe(401);
    sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    const again = JSON.stringify(providerEvent({ id: 'evt_2', chargeId: charge?.id }));
    expect((await deliver(again, sign(again))).status).toBe(500);
    vi.stubEnv('PAYMENT_WEBHOOK_SECRET_PARAMETER', UNREADABLE_PARAMETER);
    expect((await deliver(again, sign(again))).status).toBe(503);

    const log = lines.join('');
    // The capture works: the handlers did log what happened.
    for (const said of ['payment submitted', 'payment provider attempt failed; retrying', 'payment provider unavailable', 'refused our credentials', 'provider event handled', UNREADABLE_PARAMETER]) {
      expect(log).toContain(said);
    }
    for (const secret of [API_KEY, WRONG_KEY, WEBHOOK_SECRET, 'test.access.token']) expect(log).not.toContain(secret);
  });
});
