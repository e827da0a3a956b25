import { createHmac, randomUUID } from 'node:crypto';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, waitForOrder } from '../src/checkout';
import { api, cloud } from '../src/cloud';
import { chargeOf } from '../src/payments';

/**
 * The payment provider's API key and webhook secret live in Parameter Store as SecureStrings;
 * payment-service reads them at run time by the names its environment gives, as on AWS. The
 * local cloud's own page shows what each function's environment holds.
 */

interface LocalFunction {
  name: string;
  service: string;
  functionName: string;
  environment: Record<string, string>;
}

let admin: SignedInUser;
let functions: LocalFunction[];

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
  const res = await api.get('/_local/functions');
  expect(res.status).toBe(200);
  functions = res.body.functions;
});

/** GetParameter as the SDK sends it (AWS JSON 1.1), to the endpoint the function is given. */
async function getParameter(endpoint: string, name: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
    body: JSON.stringify({ Name: name, WithDecryption: true }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("each function's own credentials", () => {
  it('sign its calls with a key of its own, by which the local cloud holds them to its IAM policy; none was refused', async () => {
    const keys = functions.map((fn) => fn.environment['AWS_ACCESS_KEY_ID']);
    expect(new Set(keys).size).toBe(functions.length);
    for (const fn of functions) expect(fn.environment['AWS_ACCESS_KEY_ID'], fn.name).toMatch(/^LOCAL[A-Za-z0-9]+$/);
    // Refusals so far (the suite's teardown fails on any found at the end): none.
    const res = await api.get('/_local/iam');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ denials: [] });
  });
});

describe("the payment provider's secrets", () => {
  it('are in no function’s environment: the payment functions get the parameters’ names and the SSM endpoint', async () => {
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) {
      const environment = JSON.stringify(fn.environment);
      expect(environment, fn.name).not.toContain(cloud.webhookSecret);
      expect(environment, fn.name).not.toContain(cloud.paymentProviderApiKey);
    }

    const payment = functions.filter((fn) => fn.service === 'payment-service');
    expect(payment.map((fn) => fn.functionName).sort()).toEqual(['payment-webhook', 'process-payment', 'refund-payment']);
    for (const { name, environment } of payment) {
      const endpoint = environment['AWS_ENDPOINT_URL_SSM'] ?? '';
      // The parameters the function is told about hold what the provider checks and signs with.
      const webhookSecret = await getParameter(endpoint, environment['PAYMENT_WEBHOOK_SECRET_PARAMETER'] ?? '');
      expect(webhookSecret.body['Parameter'], name).toMatchObject({ Type: 'SecureString', Value: cloud.webhookSecret });
      const apiKey = await getParameter(endpoint, environment['PAYMENT_PROVIDER_API_KEY_PARAMETER'] ?? '');
      expect(apiKey.body['Parameter'], name).toMatchObject({ Type: 'SecureString', Value: cloud.paymentProviderApiKey });
    }
    const unknown = await getParameter(payment[0]?.environment['AWS_ENDPOINT_URL_SSM'] ?? '', '/shop/local/no-such-parameter');
    expect(unknown).toMatchObject({ status: 400, body: { __type: 'ParameterNotFound' } });
  });

  it('are what the shop pays and hears with: the charge is taken with the key, a webhook signed with the secret pays the order', async () => {
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 900);
    const { orderId } = await orderAwaitingPayment(customer, product);

    // process-payment read the API key from Parameter Store: the provider took the charge.
    const paid = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });
    expect(paid.status).toBe(200);
    const charge = await chargeOf(orderId);

    // payment-webhook read the webhook secret from Parameter Store: a delivery signed with it is accepted.
    const body = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'charge.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { chargeId: charge.id, orderId, amount: charge.amount, currency: charge.currency },
    });
    const at = Math.floor(Date.now() / 1000);
    const signature = `t=${at},v1=${createHmac('sha256', cloud.webhookSecret).update(`${at}.${body}`).digest('hex')}`;
    const delivered = await api.post('/payment/webhook', body, { headers: { 'provider-signature': signature } });
    expect(delivered.status).toBe(202);

    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');
  });
});
