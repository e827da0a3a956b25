import { randomUUID } from 'node:crypto';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, orderAwaitingPayment, waitForOrder } from '../src/checkout';
import { api, cloud } from '../src/cloud';
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
