import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector, FaultSpecError, parseFaultSpecs } from '../src/faults';
import { listen, type ListeningServer } from '../src/http-server';
import { LambdaRuntime } from '../src/lambda-runtime';
import { LOCAL_AWS } from '../src/local-aws';
import { localConsole } from '../src/local-console';
import { type PaymentProvider, type ProviderEvent, startPaymentProvider } from '../src/payment-provider';
import { startSqsServer } from '../src/sqs/sqs-server';
import { Fixtures, logCollector } from './lambda-fixtures';

/* Faults on purpose: each kind, where it hooks in, firing as many times as asked and then no more. */

const fixtures = new Fixtures();
afterAll(() => fixtures.cleanup());

describe('FaultInjector', () => {
  it('fires a fault as many times as asked, for its target only, then it is spent', () => {
    const faults = new FaultInjector();
    faults.add({ kind: 'function-error', target: 'order-service/finalize-order', count: 2 });
    expect(faults.take('function-error', 'order-service/get-order')).toBeUndefined();
    expect(faults.take('function-error', 'order-service/finalize-order')).toMatchObject({ fired: 1 });
    expect(faults.take('function-error', 'order-service/finalize-order')).toMatchObject({ fired: 2 });
    expect(faults.take('function-error', 'order-service/finalize-order')).toBeUndefined();
    expect(faults.armed()).toEqual([]);
    expect(faults.fired()).toEqual({ 'function-error': 2 });
  });

  it('refuses a spec that would not mean anything, saying why', () => {
    const faults = new FaultInjector();
    expect(() => faults.add({ kind: 'function-error' })).toThrow(/needs a target: service\/function/);
    expect(() => faults.add({ kind: 'provider-5xx', target: 'a/b' })).toThrow(/takes no target/);
    expect(() => faults.add({ kind: 'nonsense' as never })).toThrow(/kind must be one of/);
    expect(() => faults.add({ kind: 'provider-5xx', count: 0 })).toThrow(/count/);
    expect(() => faults.add({ kind: 'dynamodb-pause', count: 2 })).toThrow(/once per injection/);
    expect(() => parseFaultSpecs({ kind: 'provider-5xx', when: 'now' })).toThrow(FaultSpecError);
    expect(parseFaultSpecs([{ kind: 'provider-5xx', count: 3 }])).toEqual([{ kind: 'provider-5xx', count: 3 }]);
  });

  it('refuses a target the cloud does not run, so a typo is not a fault that never fires', () => {
    const faults = new FaultInjector(undefined, { functions: new Set(['order-service/finalize-order']), queues: new Set(['payment-service/refunds']) });
    expect(() => faults.add({ kind: 'function-timeout', target: 'order-service/finalise-order' })).toThrow(/no function order-service\/finalise-order/);
    expect(() => faults.add({ kind: 'queue-send-hang', target: 'order-service/finalize-order' })).toThrow(/no queue order-service\/finalize-order/);
    expect(faults.add({ kind: 'queue-send-fail', target: 'payment-service/refunds' })).toMatchObject({ target: 'payment-service/refunds', count: 1 });
    expect(faults.armed()).toHaveLength(1);
  });

  it('is armed, listed and cleared through /_local/faults', async () => {
    const faults = new FaultInjector();
    const console = localConsole({
      outbox: {} as never,
      trace: {} as never,
      bus: {} as never,
      scheduler: () => undefined,
      paymentProvider: () => undefined,
      faults,
    });
    const post = await console({ method: 'POST', path: '/_local/faults', query: new URLSearchParams(), body: JSON.stringify([{ kind: 'provider-5xx', count: 2 }]) });
    expect(post).toMatchObject({ status: 201, body: { armed: [{ kind: 'provider-5xx', count: 2, fired: 0 }] } });
    const bad = await console({ method: 'POST', path: '/_local/faults', query: new URLSearchParams(), body: '{"kind":"function-error"}' });
    expect(bad?.status).toBe(400);
    faults.take('provider-5xx');
    expect(await console({ method: 'GET', path: '/_local/faults', query: new URLSearchParams(), body: '' })).toMatchObject({
      status: 200,
      body: { armed: [{ kind: 'provider-5xx', fired: 1 }], fired: { 'provider-5xx': 1 } },
    });
    await console({ method: 'DELETE', path: '/_local/faults', query: new URLSearchParams(), body: '' });
    expect(faults.armed()).toEqual([]);
  });
});

describe('function faults', () => {
  const faults = new FaultInjector();
  const logs = logCollector();
  const runtime = new LambdaRuntime({ onLog: logs.onLog, faults });
  // Writes a mark when it starts and when it ends: what a half-done invocation leaves behind.
  const marks = fixtures.write('marks.txt', '');
  runtime.register(
    fixtures.fn(
      'worker',
      `const fs = require('fs');
       exports.handler = async (event) => {
         fs.appendFileSync(${JSON.stringify(marks)}, 'start ' + event.n + '\\n');
         await new Promise((r) => setTimeout(r, event.ms ?? 0));
         fs.appendFileSync(${JSON.stringify(marks)}, 'end ' + event.n + '\\n');
         return { done: event.n };
       };`,
      { service: 'test-service', functionName: 'worker' },
    ),
  );
  afterAll(() => runtime.stop());
  const read = () => readFileSync(marks, 'utf8');

  it('function-error fails the next invocations before the handler runs', async () => {
    faults.add({ kind: 'function-error', target: 'test-service/worker', count: 1 });
    expect(await runtime.invoke('worker', { n: 1 })).toMatchObject({ ok: false, error: { errorType: 'InjectedFault' } });
    expect(read()).not.toContain('start 1');
    expect(await runtime.invoke('worker', { n: 2 })).toMatchObject({ ok: true, payload: { done: 2 } });
  });

  it('function-timeout kills the instance part-way: the work is half done and the answer is Sandbox.Timedout', async () => {
    faults.add({ kind: 'function-timeout', target: 'test-service/worker', delayMs: 100 });
    expect(await runtime.invoke('worker', { n: 3, ms: 1000 })).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout' } });
    expect(read()).toContain('start 3');
    expect(read()).not.toContain('end 3');
  });

  it('function-crash after a handler that outran it: the work is done, the answer lost (Runtime.ExitError)', async () => {
    faults.add({ kind: 'function-crash', target: 'test-service/worker', delayMs: 2000 });
    expect(await runtime.invoke('worker', { n: 4, ms: 0 })).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
    expect(read()).toContain('end 4');
    expect(await runtime.invoke('worker', { n: 5 })).toMatchObject({ ok: true, coldStart: true });
  });
});

describe('queue faults', () => {
  const faults = new FaultInjector();
  let server: ListeningServer;
  let sqs: SQSClient;
  let queueUrl: string;
  beforeAll(async () => {
    server = await startSqsServer({ faults: { injector: faults, queueRef: (name) => (name === 'shop-test-pay-events' ? 'pay/events' : undefined) } });
    sqs = new SQSClient({ ...LOCAL_AWS, endpoint: server.url, maxAttempts: 1, requestHandler: { requestTimeout: 500, throwOnRequestTimeout: true } });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'shop-test-pay-events' }))).QueueUrl ?? '';
  });
  afterAll(async () => {
    sqs.destroy();
    await server.close();
  });

  it('queue-send-fail answers a send to that queue with a 500; the next send goes through', async () => {
    faults.add({ kind: 'queue-send-fail', target: 'pay/events' });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'a' }))).rejects.toMatchObject({ name: 'InternalFailure' });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'b' }))).resolves.toMatchObject({ MessageId: expect.any(String) });
  });

  it('queue-send-hang leaves a send unanswered until the client gives up', async () => {
    faults.add({ kind: 'queue-send-hang', target: 'pay/events', delayMs: 2000 });
    const started = Date.now();
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'c' }))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1900);
  });
});

describe('payment provider faults', () => {
  const faults = new FaultInjector();
  const received: ProviderEvent[] = [];
  let receiver: ListeningServer;
  let provider: PaymentProvider;
  const API_KEY = 'sk_test_faults';
  beforeAll(async () => {
    receiver = await listen(
      createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (c: Buffer) => chunks.push(c));
        request.on('end', () => {
          received.push(JSON.parse(Buffer.concat(chunks).toString()) as ProviderEvent);
          response.writeHead(202).end();
        });
      }),
      {},
    );
    provider = await startPaymentProvider({ apiKey: API_KEY, webhookSecret: 'whsec', webhookUrl: `${receiver.url}/hook`, webhookDelayMs: 10, faults });
  });
  afterAll(async () => {
    await provider.stop();
    await receiver.close();
  });
  afterEach(() => faults.clear());
  const charge = (orderId = randomUUID(), signal?: AbortSignal) =>
    fetch(`${provider.url}/v1/charges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': orderId, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 100, currency: 'USD', paymentMethod: TEST_PAYMENT_METHODS.approve, metadata: { orderId } }),
      ...(signal && { signal }),
    });
  const eventsFor = (orderId: string) => received.filter((e) => e.data.orderId === orderId);

  it('provider-5xx answers 503 and charges nothing', async () => {
    faults.add({ kind: 'provider-5xx' });
    const orderId = randomUUID();
    expect((await charge(orderId)).status).toBe(503);
    expect(provider.charges().filter((c) => c.orderId === orderId)).toEqual([]);
    expect((await charge(orderId)).status).toBe(200);
  });

  it('provider-timeout charges, but answers too late; the retry with the same key gets the same charge', async () => {
    faults.add({ kind: 'provider-timeout', delayMs: 1000 });
    const orderId = randomUUID();
    await expect(charge(orderId, AbortSignal.timeout(200))).rejects.toThrow();
    expect(provider.charges().filter((c) => c.orderId === orderId)).toHaveLength(1);
    const retry = await charge(orderId);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('webhook-duplicate sends the event twice; webhook-late holds it back', async () => {
    faults.add({ kind: 'webhook-duplicate' });
    const twice = randomUUID();
    await charge(twice);
    await expect.poll(() => eventsFor(twice).length).toBe(2);
    expect(new Set(eventsFor(twice).map((e) => e.id)).size).toBe(1);

    faults.add({ kind: 'webhook-late', delayMs: 600 });
    const late = randomUUID();
    await charge(late);
    await new Promise((r) => setTimeout(r, 300));
    expect(eventsFor(late)).toEqual([]);
    await expect.poll(() => eventsFor(late).length).toBe(1);
  });
});
