import { randomUUID } from 'node:crypto';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import type { MetricSeries, TraceEntry } from '@shop/local-cloud';
import { ApiClient, type AuthenticatedClient, isVerificationCode, TEST_PASSWORD, verifyContacts } from '@shop/testing';
import { describeCheckoutMetrics, describePath } from './observability';
import { describeInvocation, layersUsed, patternsSeen } from './patterns';

/**
 * A scripted walk through the shop for a newcomer, over the HTTP API of a running local cloud:
 * a customer registers and verifies her e-mail and phone, shops, checks out and pays; a second
 * order is declined and compensated; then the report. After each step it prints, from the local
 * cloud's trace, which of the seven patterns carried each message, all tied together by the
 * correlation id the client sent; the path each order's checkout took through the state machine
 * (`/_local/executions`), and what the shop counted in its metrics (`/_local/metrics`).
 */

/** Where an order's checkout ends. */
const FINAL = ['PAID', 'CANCELLED', 'PAYMENT_FAILED'];

export interface WalkthroughOptions {
  apiUrl: string;
  /** A staff account that may read reports (the seeded admin). */
  staff: { email: string; password: string };
  /** Where the walkthrough goes; a line at a time. */
  print: (line: string) => void;
  /** How long to wait for the asynchronous side (events, e-mails) to settle after a step. */
  settleMs?: number;
  timeoutMs?: number;
}

export interface WalkthroughResult {
  correlationIds: { paid: string; declined: string };
  /** Each of the seven patterns, and whether the walkthrough used it. */
  patterns: { name: string; seen: boolean }[];
  /** The states each order's checkout went through. */
  paths: { paid: string[]; declined: string[] };
}

export async function runWalkthrough(options: WalkthroughOptions): Promise<WalkthroughResult> {
  const { print } = options;
  const api = new ApiClient(options.apiUrl);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const settleMs = options.settleMs ?? 2_500;
  const step = (n: number, title: string) => print(`\n${n}. ${title}`);

  step(1, 'A customer registers, signs in and verifies her e-mail and phone (API Gateway proxy → user-service)');
  const email = `demo-${randomUUID().slice(0, 8)}@example.com`;
  const phone = '+15555550100';
  await expectStatus(api.post('/users/register', { email, password: TEST_PASSWORD, name: 'Dana Demo', phone }), 201, 'register');
  const login = await expectStatus(api.post('/users/login', { email, password: TEST_PASSWORD }), 200, 'login');
  const customer = api.as(login.body.token);
  print(`   ${email} (${phone}) is signed in; the access token carries the CUSTOMER group`);
  await verifyContacts(customer, { email, phone });
  print('   she typed in the codes the shop sent to her e-mail and phone: both verified, and the shop writes only to verified contacts');

  step(2, 'She puts two of a product in her cart');
  // Two for this order and one for the next: a product with stock for both.
  const listed = (await expectStatus(api.get('/products?limit=50'), 200, 'list products')).body.items as { productId: string; name: string; stock: number }[];
  const product = listed.find((p) => p.stock >= 3);
  if (!product) throw new Error('no product in the first page of the catalogue has 3 or more in stock');
  await expectStatus(customer.post('/cart', { productId: product.productId, quantity: 2 }), 200, 'add to cart');
  print(`   2 × ${product.name} (stock ${product.stock})`);

  const paid = `demo-paid-${randomUUID().slice(0, 8)}`;
  step(3, `She checks out and pays by card (correlation id ${paid})`);
  const orderId = await checkout(customer, paid);
  await waitFor(customer, orderId, ['AWAITING_PAYMENT'], timeoutMs);
  print(`   order ${orderId} is AWAITING_PAYMENT: the state machine reserved the stock and waits with a task token`);
  await expectStatus(
    customer.post('/payment/process', { orderId, paymentMethod: TEST_PAYMENT_METHODS.approve }, { headers: { 'x-correlation-id': paid } }),
    200,
    'pay',
  );
  const order = await waitFor(customer, orderId, FINAL, timeoutMs);
  print(`   the provider's signed webhook came back: the order is ${order.status}`);
  await messagesFor(api, email, (m) => m.some((x) => x.subject?.endsWith('is paid')), timeoutMs);
  await pause(settleMs);
  printTrace(print, await traceOf(api, paid));
  printOutbox(print, [...(await messagesFor(api, email, () => true, timeoutMs)), ...(await messagesFor(api, phone, () => true, timeoutMs))]);
  const paidPath = await executionPath(api, orderId, timeoutMs);
  print(`   the path it took through the state machine (${options.apiUrl}/_local/executions?orderId=${orderId}):`);
  print(`     ${describePath(paidPath)}`);

  const declined = `demo-declined-${randomUUID().slice(0, 8)}`;
  step(4, `A second order, paid with a card that is declined (correlation id ${declined})`);
  await expectStatus(customer.post('/cart', { productId: product.productId, quantity: 1 }), 200, 'add to cart');
  const secondId = await checkout(customer, declined);
  await waitFor(customer, secondId, ['AWAITING_PAYMENT'], timeoutMs);
  await expectStatus(
    customer.post('/payment/process', { orderId: secondId, paymentMethod: TEST_PAYMENT_METHODS.decline }, { headers: { 'x-correlation-id': declined } }),
    200,
    'pay',
  );
  const failed = await waitFor(customer, secondId, FINAL, timeoutMs);
  print(`   the order ended ${failed.status} (${failed.reason ?? 'no reason'}); the compensation released its stock:`);
  await messagesFor(api, email, (m) => m.some((x) => x.subject?.startsWith('Payment for order')), timeoutMs);
  await pause(settleMs);
  const declinedTrace = await traceOf(api, declined);
  const compensation = declinedTrace.filter((e) => e.pattern === 'step-functions' && ['ReleaseStock', 'Finalize'].includes(e.via));
  for (const entry of compensation) print(`     ${describeInvocation(entry)}`);
  printTrace(print, declinedTrace);
  const declinedPath = await executionPath(api, secondId, timeoutMs);
  print('   the path the declined order took:');
  print(`     ${describePath(declinedPath)}`);
  print(`   what the shop counted, since it started (CloudWatch embedded metric format; ${options.apiUrl}/_local/metrics):`);
  for (const line of describeCheckoutMetrics(await checkoutMetrics(api, timeoutMs))) print(`     ${line}`);

  step(5, 'The manager reads the daily report (GET /reports, ADMIN or MANAGER only)');
  const staffLogin = await expectStatus(api.post('/users/login', { email: options.staff.email, password: options.staff.password }), 200, 'staff login');
  const report = (await expectStatus(api.as(staffLogin.body.token).get('/reports?period=daily'), 200, 'report')).body;
  print(`   ${report.from}: ${report.orders.started} checkouts started, ${report.orders.paid} paid, ${report.orders.paymentFailed} payment failures`);
  print(`   revenue ${report.revenue.map((m: { amount: number; currency: string }) => `${(m.amount / 100).toFixed(2)} ${m.currency}`).join(', ') || 'none'}; conversion ${report.conversion ?? 'n/a'}`);
  for (const line of report.units.slice(0, 3)) print(`   sold ${line.quantity} × ${line.name}`);
  for (const reason of report.paymentFailures) print(`   payment failures "${reason.reason}": ${reason.count}`);

  const patterns = patternsSeen([...(await traceOf(api, paid)), ...declinedTrace]);
  step(6, 'The seven ways the Lambdas talked');
  for (const pattern of patterns) print(`   ${pattern.seen ? '✔' : '✘'} ${pattern.name}`);
  for (const layer of layersUsed([...(await traceOf(api, paid)), ...declinedTrace])) {
    print(`     layer ${layer.layer}: loaded by ${layer.functions} of the functions above`);
  }
  print(`\nEvery line above is in ${options.apiUrl}/_local/trace?correlationId=${paid}; the messages in ${options.apiUrl}/_local/outbox.`);
  return { correlationIds: { paid, declined }, patterns, paths: { paid: paidPath, declined: declinedPath } };
}

/** The states the order's checkout went through, once its execution has ended. */
async function executionPath(api: ApiClient, orderId: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await expectStatus(api.get(`/_local/executions?orderId=${encodeURIComponent(orderId)}`), 200, 'execution');
    if (answer.body.execution.status !== 'RUNNING' || Date.now() > deadline) return answer.body.path;
    await pause(200);
  }
}

/** The checkout's metrics, once order-events has counted a paid and a failed order (it writes them as it publishes). */
async function checkoutMetrics(api: ApiClient, timeoutMs: number): Promise<MetricSeries[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const series: MetricSeries[] = (await expectStatus(api.get('/_local/metrics?service=order-events'), 200, 'metrics')).body.metrics;
    const has = (name: string) => series.some((s) => s.name === name);
    if ((has('OrdersPaid') && has('OrdersFailed')) || Date.now() > deadline) return series;
    await pause(200);
  }
}

async function checkout(customer: AuthenticatedClient, correlationId: string): Promise<string> {
  const cart = await expectStatus(customer.get('/cart'), 200, 'get cart');
  const order = await expectStatus(
    customer.post('/orders', { cartId: cart.body.cartId }, { headers: { 'idempotency-key': `demo-${randomUUID()}`, 'x-correlation-id': correlationId } }),
    201,
    'place order',
  );
  return order.body.orderId;
}

function printTrace(print: (line: string) => void, entries: readonly TraceEntry[]): void {
  print('   what carried each message:');
  for (const entry of entries) print(`     ${describeInvocation(entry)}`);
}

interface OutboxMessage {
  channel: 'email' | 'sms';
  to: string[];
  subject?: string;
  text: string;
}

/** The order's messages in the outbox; the verification codes of step 1 were shown there. */
function printOutbox(print: (line: string) => void, messages: readonly OutboxMessage[]): void {
  print('   what the customer got (the outbox):');
  for (const message of messages.filter((m) => !isVerificationCode(m))) {
    print(`     ${message.channel === 'email' ? `e-mail "${message.subject}"` : `SMS "${message.text}"`}`);
  }
}

async function traceOf(api: ApiClient, correlationId: string): Promise<TraceEntry[]> {
  return (await expectStatus(api.get(`/_local/trace?correlationId=${encodeURIComponent(correlationId)}`), 200, 'trace')).body.invocations;
}

async function messagesFor(api: ApiClient, to: string, done: (messages: OutboxMessage[]) => boolean, timeoutMs: number): Promise<OutboxMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages: OutboxMessage[] = (await expectStatus(api.get(`/_local/outbox?to=${encodeURIComponent(to)}`), 200, 'outbox')).body.messages;
    if (done(messages) || Date.now() > deadline) return messages;
    await pause(300);
  }
}

async function waitFor(customer: AuthenticatedClient, orderId: string, statuses: readonly string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = (await expectStatus(customer.get(`/orders/${orderId}`), 200, 'get order')).body as { status: string; reason?: string };
    if (statuses.includes(order.status)) return order;
    if (FINAL.includes(order.status)) throw new Error(`order ${orderId} ended ${order.status} (${order.reason ?? 'no reason'}), not ${statuses.join(' or ')}`);
    if (Date.now() > deadline) throw new Error(`order ${orderId} is still ${order.status} after ${timeoutMs} ms`);
    await pause(300);
  }
}

async function expectStatus<T extends { status: number; body: unknown }>(answer: Promise<T>, status: number, what: string): Promise<T> {
  const got = await answer;
  if (got.status !== status) throw new Error(`${what}: expected ${status}, got ${got.status}: ${JSON.stringify(got.body)}`);
  return got;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
