import { randomUUID } from 'node:crypto';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINAL, isStatus, newProduct, waitForOrder } from '../src/checkout';
import { api, cloud } from '../src/cloud';

/*
 * One order's trace: every invocation its messages caused, with the pattern that carried each,
 * read as an operator would (`GET /_local/trace?correlationId=`). The local cloud carries X-Ray's
 * trace header the way AWS does with active tracing (the SDK sends it, each service passes it on),
 * so a caller's segment is the parent of what it called; where AWS carries none (a DynamoDB
 * stream, the provider's webhook from outside), a new trace starts and the correlation id joins it.
 */

interface Invocation {
  at: string;
  service: string;
  function: string;
  pattern: string;
  via: string;
  ok: boolean;
  coldStart: boolean;
  durationMs: number;
  layers: string[];
  traceId: string;
  id: string;
  parentId?: string;
}

interface TracePage {
  invocations: Invocation[];
  traceIds: string[];
  waterfall: (Invocation & { depth: number; offsetMs: number })[];
  text: string;
}

let admin: SignedInUser;
beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
});

async function traceOf(correlationId: string): Promise<TracePage> {
  const res = await api.get(`/_local/trace?correlationId=${encodeURIComponent(correlationId)}`);
  expect(res.status).toBe(200);
  return res.body;
}

const by = (page: TracePage, service: string, fn: string, pattern?: string) =>
  page.invocations.filter((i) => i.service === service && i.function === fn && (!pattern || i.pattern === pattern));

describe('one order’s trace', () => {
  it('finds all seven patterns under the order’s correlation id, each invocation under the one that caused it', { timeout: 90_000 }, async () => {
    const customer = await newCustomer(api);
    const productId = await newProduct(admin, 5, 900);
    const correlationId = `trace-${randomUUID().slice(0, 8)}`;
    const headers = { 'x-correlation-id': correlationId };

    expect((await customer.api.post('/cart', { productId, quantity: 1 }, { headers })).status).toBe(200);
    const cart = await customer.api.get('/cart', { headers });
    const placed = await customer.api.post('/orders', { cartId: cart.body.cartId }, { headers: { ...headers, 'idempotency-key': `trace-${randomUUID()}` } });
    expect(placed.status).toBe(201);
    // The gateway answers the trace it started, as API Gateway does with X-Amzn-Trace-Id.
    const orderTrace = /^Root=(1-[0-9a-f]{8}-[0-9a-f]{24})$/.exec(placed.headers.get('x-amzn-trace-id') ?? '')?.[1];
    expect(orderTrace).toBeDefined();
    const orderId: string = placed.body.orderId;
    const awaiting = await waitForOrder(customer, orderId, isStatus('AWAITING_PAYMENT', ...FINAL));
    expect(awaiting.status, awaiting.reason).toBe('AWAITING_PAYMENT');
    const pay = await customer.api.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve }, { headers });
    expect(pay.status, JSON.stringify(pay.body)).toBe(200);
    expect((await waitForOrder(customer, orderId, isStatus(...FINAL))).status).toBe('PAID');

    // Wait until the paid order's last messages were handled (the customer's e-mail goes out last).
    let page: TracePage | undefined;
    const required = ['api-gateway', 'sync-invoke', 'async-invoke', 'eventbridge', 'sns', 'sqs', 'step-functions', 'dynamodb-stream'];
    await expect
      .poll(async () => {
        page = await traceOf(correlationId);
        const seen = new Set(page.invocations.map((i) => i.pattern));
        return required.filter((p) => !seen.has(p));
      }, { timeout: 30_000, interval: 300 })
      .toEqual([]);
    const trace = page as TracePage;
    // The seventh pattern, the shared layers: the functions loaded their shared code from one.
    expect(trace.invocations.every((i) => i.layers.includes('common-utils'))).toBe(true);
    expect(trace.invocations.every((i) => i.ok)).toBe(true);

    // The API request that placed the order is the root of its trace, and the state machine's
    // tasks continue it: StartExecution carried the trace header, as Step Functions does.
    const [createOrder] = by(trace, 'order-service', 'create-order', 'api-gateway');
    expect(createOrder?.traceId).toBe(orderTrace);
    const tasks = trace.invocations.filter((i) => i.pattern === 'step-functions');
    expect(tasks.map((t) => t.via)).toEqual(expect.arrayContaining(['ReserveStock', 'WaitForPayment', 'MarkPaid']));
    for (const task of tasks) expect(task.traceId, `${task.via} continues the order's trace`).toBe(orderTrace);
    expect(tasks.find((t) => t.via === 'ReserveStock')?.parentId).toBe(createOrder?.id);

    // A synchronous invoke is the child of its caller (the cart asks the catalogue for the price).
    const [addToCart] = by(trace, 'cart-service', 'add-to-cart', 'api-gateway');
    const catalogue = trace.invocations.filter((i) => i.pattern === 'sync-invoke' && i.parentId === addToCart?.id);
    expect(catalogue.length).toBeGreaterThan(0);
    expect(catalogue.every((c) => c.traceId === addToCart?.traceId)).toBe(true);

    // Every message sent by a function continues the sender's trace: SQS kept it as AWSTraceHeader.
    const ids = new Map(trace.invocations.map((i) => [i.id, i]));
    for (const pattern of ['sqs', 'async-invoke', 'eventbridge', 'sns']) {
      const carried = trace.invocations.filter((i) => i.pattern === pattern);
      const linked = carried.filter((i) => i.parentId && ids.get(i.parentId)?.traceId === i.traceId);
      expect(linked.length, `${pattern}: ${carried.length} invocations, ${linked.length} under their sender\n${trace.text}`).toBeGreaterThan(0);
    }
    // A stream batch carries no trace header, on AWS as here: it starts a trace of its own.
    for (const batch of trace.invocations.filter((i) => i.pattern === 'dynamodb-stream')) expect(batch.parentId).toBeUndefined();

    // The waterfall draws each child under its parent, as deep as the messages went.
    expect(trace.waterfall).toHaveLength(trace.invocations.length);
    expect(Math.max(...trace.waterfall.map((r) => r.depth))).toBeGreaterThanOrEqual(2);
    const rowOf = new Map(trace.waterfall.map((r, index) => [r.id, { ...r, index }]));
    for (const [index, row] of trace.waterfall.entries()) {
      const parent = row.parentId ? rowOf.get(row.parentId) : undefined;
      if (parent) {
        expect(parent.index).toBeLessThan(index);
        expect(row.depth).toBe(parent.depth + 1);
      } else expect(row.depth).toBe(0);
    }
    expect(trace.text.split('\n')).toHaveLength(trace.invocations.length);
    expect(trace.text).toMatch(/order-service\/create-order +api-gateway \(POST \/orders\)/);

    // The same trace by its id: the order's first request and everything it set in motion.
    const byTrace = await api.get(`/_local/trace?traceId=${orderTrace}`);
    expect(byTrace.status).toBe(200);
    expect(byTrace.body.invocations.map((i: Invocation) => i.id)).toEqual(expect.arrayContaining([createOrder?.id, ...tasks.map((t) => t.id)]));
  });

  it('refuses a trace id that is not one, naming the parameter', async () => {
    const res = await api.get('/_local/trace?traceId=not-a-trace');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('traceId');
  });
});
