import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { EXPECTED_ERRORS_METRIC, physicalName } from '@shop/platform';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, placeOrder, waitForOrder } from '../src/checkout';
import { api, cloud, injectFaults } from '../src/cloud';
import { busEvents } from '../src/payments';

/*
 * What an operator sees of the checkout: the metrics the functions write in CloudWatch's embedded
 * metric format, collected by the local cloud (`GET /_local/metrics`), and each execution's
 * history as the Step Functions console shows it (`GET /_local/executions`). Other files run
 * checkouts on the same cloud, so metrics are compared with what they were before.
 */

interface Series {
  name: string;
  dimensions: Record<string, string>;
  count: number;
  sum: number;
  p50: number;
  p99: number;
}

interface ExecutionPage {
  execution: { name: string; status: string; input: { orderId: string } };
  path: string[];
  events: { type: string; stateName?: string; error?: string; timestamp: string }[];
}

let admin: SignedInUser;
beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
});

async function metrics(query: string): Promise<Series[]> {
  const res = await api.get(`/_local/metrics?${query}`);
  expect(res.status).toBe(200);
  return res.body.metrics;
}

/** A metric's sum and sample count over the series that match `dimensions`. */
function total(series: readonly Series[], name: string, dimensions: Record<string, string> = {}): { sum: number; count: number } {
  const matching = series.filter((s) => s.name === name && Object.entries(dimensions).every(([k, v]) => s.dimensions[k] === v));
  return { sum: matching.reduce((n, s) => n + s.sum, 0), count: matching.reduce((n, s) => n + s.count, 0) };
}

/** The order's execution once it has ended. */
async function finishedExecution(orderId: string): Promise<ExecutionPage> {
  let page: ExecutionPage | undefined;
  await expect
    .poll(async () => {
      const res = await api.get(`/_local/executions?orderId=${orderId}`);
      page = res.body;
      return res.status === 200 ? page?.execution.status : res.status;
    }, { timeout: 20_000 })
    .not.toBe('RUNNING');
  return page as ExecutionPage;
}

describe('the checkout’s metrics and execution history', () => {
  it('a paid order counts as placed and paid, adds its revenue and its checkout duration, and shows the path it took', async () => {
    const before = await metrics('service=order-events');
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 1500);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve });
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');

    const grew = (after: readonly Series[], name: string, by: number, dimensions?: Record<string, string>) =>
      total(after, name, dimensions).sum - total(before, name, dimensions).sum >= by;
    await expect
      .poll(async () => {
        const after = await metrics('service=order-events');
        return {
          placed: grew(after, 'OrdersPlaced', 1),
          paid: grew(after, 'OrdersPaid', 1),
          revenue: grew(after, 'RevenueCents', 1500, { currency: 'USD' }),
          timed: total(after, 'CheckoutDurationMs').count > total(before, 'CheckoutDurationMs').count,
        };
      }, { timeout: 15_000 })
      .toEqual({ placed: true, paid: true, revenue: true, timed: true });
    const [duration] = await metrics('service=order-events&name=CheckoutDurationMs');
    expect(duration).toMatchObject({ dimensions: { service: 'order-events', stage: cloud.stage } });
    expect(duration?.p99).toBeGreaterThan(0);

    const { execution, path, events } = await finishedExecution(orderId);
    expect(execution).toMatchObject({ name: orderId, status: 'SUCCEEDED', input: { orderId } });
    expect(path).toEqual(['ValidateOrder', 'ReserveStock', 'WaitForPayment', 'CommitStock', 'MarkPaid', 'CheckoutCompleted']);
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
  }, 60_000);

  it('a declined order counts as failed, and its path shows the compensation', async () => {
    const before = total(await metrics('service=order-events&name=OrdersFailed'), 'OrdersFailed').sum;
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 1500);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.decline });
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAYMENT_FAILED');

    await expect.poll(async () => total(await metrics('service=order-events&name=OrdersFailed'), 'OrdersFailed').sum - before, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const { path, events } = await finishedExecution(orderId);
    expect(path).toEqual(['ValidateOrder', 'ReserveStock', 'WaitForPayment', 'PaymentDeclined', 'PaymentDeclinedWithReason', 'ReleaseStock', 'Finalize', 'StockReleased', 'CheckoutClosed']);
    expect(events.find((e) => e.stateName === 'WaitForPayment' && e.type === 'TaskFailed')).toMatchObject({ error: 'PaymentDeclined' });
  }, 60_000);

  it('answers 404 for an order with no execution and 400 naming the parameter when none is given', async () => {
    expect(await api.get(`/_local/executions?orderId=${randomUUID()}`)).toMatchObject({ status: 404, body: { error: { code: 'EXECUTION_NOT_FOUND' } } });
    expect(await api.get('/_local/executions')).toMatchObject({ status: 400, body: { error: { details: [{ field: 'orderId' }] } } });
  });
});

describe('operator incidents are metrics infra alarms on', () => {
  it('a charge that does not match the order raises PaymentMismatch, and its refund, failing for good, raises RefundFailed', async () => {
    const incidents = async () => {
      const series = await metrics('service=payment-service');
      return { mismatch: total(series, 'PaymentMismatch').sum, refundFailed: total(series, 'RefundFailed').sum };
    };
    const before = await incidents();
    const customer = await newCustomer(api);
    const product = await newProduct(admin, 2, 1500);
    const { orderId } = await orderAwaitingPayment(customer, product);
    await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.noAnswer });

    // A 1-cent charge the shop did not make, with a card whose refunds always fail.
    const stray = await fetch(`${cloud.paymentProviderUrl}/v1/charges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cloud.paymentProviderApiKey}`, 'content-type': 'application/json', 'idempotency-key': `stray-${randomUUID()}` },
      body: JSON.stringify({ amount: 1, currency: 'USD', paymentMethod: TEST_PAYMENT_METHODS.refundFails, metadata: { orderId } }),
    });
    expect(stray.status).toBe(200);

    await expect.poll(async () => (await incidents()).mismatch - before.mismatch, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    // Three attempts, 5 s then 30 s apart (docs/payments.md), then the incident.
    await expect.poll(async () => (await busEvents('RefundFailed', orderId)).length, { timeout: 75_000, interval: 1_000 }).toBe(1);
    expect((await incidents()).refundFailed - before.refundFailed).toBeGreaterThanOrEqual(1);
    const [series] = await metrics('service=payment-service&name=RefundFailed');
    expect(series?.dimensions).toEqual({ service: 'payment-service', stage: cloud.stage });
  }, 100_000);
});

/**
 * Lambda counts every failed invocation in `AWS/Lambda` Errors, the answers a function gives on
 * purpose (OutOfStock) too; the alarm on a function's errors reads `Errors - FILL(ExpectedErrors, 0)`
 * (infra/src/monitoring/thresholds.ts). The local cloud writes Lambda's metrics of each invocation
 * beside the functions' own, so this reads what that alarm would.
 */
describe("the alarm on a function's errors", () => {
  const lambdaSeries = async (name: string) => (await metrics(`namespace=AWS/Lambda&name=${name}`)).filter((s) => s.dimensions['FunctionName']);

  /** Per function, its Errors as Lambda counts them and what the alarm reads of them. */
  async function errorsByFunction(): Promise<Map<string, { errors: number; unexpected: number }>> {
    const expected = await metrics(`name=${EXPECTED_ERRORS_METRIC}`);
    const byFunction = new Map<string, { errors: number; unexpected: number }>();
    for (const series of await lambdaSeries('Errors')) {
      const fn = series.dimensions['FunctionName'] ?? '';
      const answered = total(expected, EXPECTED_ERRORS_METRIC, { function: fn }).sum;
      byFunction.set(fn, { errors: series.sum, unexpected: series.sum - answered });
    }
    return byFunction;
  }

  function change(before: Map<string, { errors: number; unexpected: number }>, after: Map<string, { errors: number; unexpected: number }>) {
    return [...after].map(([fn, now]) => ({ fn, errors: now.errors - (before.get(fn)?.errors ?? 0), unexpected: now.unexpected - (before.get(fn)?.unexpected ?? 0) }));
  }

  it('counts the OutOfStock a checkout is answered with as expected: Lambda sees errors, the alarm none', async () => {
    const product = await newProduct(admin, 1);
    const first = await newCustomer(api);
    const second = await newCustomer(api);
    expect((await second.api.post('/cart', { productId: product, quantity: 1 })).status).toBe(200);
    const before = await errorsByFunction();

    await orderAwaitingPayment(first, product);
    const { orderId } = await placeOrder(second, []);
    const ended = await waitForOrder(second, orderId, isStatus(...FINAL), 30_000);
    expect(ended).toMatchObject({ status: 'CANCELLED', reason: expect.stringMatching(/stock/i) });

    const changed = change(before, await errorsByFunction()).filter((c) => c.errors !== 0 || c.unexpected !== 0);
    // The functions that answered OutOfStock failed their invocations as Lambda counts them...
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.map((c) => c.fn)).toEqual(expect.arrayContaining([physicalName(cloud.stage, 'order-service', 'validate-order')]));
    // ...and none of those failures reaches the alarm.
    expect(changed.map(({ fn, unexpected }) => ({ fn, unexpected }))).toEqual(changed.map(({ fn }) => ({ fn, unexpected: 0 })));
  }, 60_000);

  it('still counts what is no answer: a payload that does not match, and a function that fails', async () => {
    const fn = physicalName(cloud.stage, 'inventory-service', 'check-availability');
    const lambda = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: cloud.lambdaEndpoint });
    const before = await errorsByFunction();
    try {
      const invalid = await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: JSON.stringify({ lines: [] }) }));
      expect(invalid.FunctionError).toBe('Unhandled');
      expect(JSON.parse(Buffer.from(invalid.Payload ?? []).toString())).toMatchObject({ errorType: 'InvalidRequest' });

      await injectFaults({ kind: 'function-error', target: 'inventory-service/check-availability' });
      const failed = await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: JSON.stringify({ lines: [{ productId: randomUUID(), quantity: 1 }] }) }));
      expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString())).toMatchObject({ errorType: 'InjectedFault' });
    } finally {
      lambda.destroy();
    }

    expect(change(before, await errorsByFunction()).find((c) => c.fn === fn)).toEqual({ fn, errors: 2, unexpected: 2 });
  }, 30_000);
});
