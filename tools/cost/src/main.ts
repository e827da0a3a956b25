/**
 * `npm run cost [-- --orders N]`: runs N checkouts on a local cloud that meters what the shop uses,
 * and prints what 1,000 orders cost on AWS at list prices (src/prices.ts), by service.
 *
 * Each checkout is what a shopper does once signed up: look at the product, put it in the cart,
 * read the cart, place the order, pay with a card the provider approves, and read the paid order
 * once. The checkout's functions, state machine, queues, streams, events and e-mails follow. The
 * sign-ups are made before the meter's first reading. So is the wait for each order, which reads
 * the local console (`/_local/executions`), not the API, so that no polling is billed.
 */
import { randomUUID } from 'node:crypto';
import { startLocalCloud, type UsageSnapshot, usageBetween } from '@shop/local-cloud';
import { type ApiAnswer, ApiClient, type AuthenticatedClient, newCustomer, signIn, verifyContacts } from '@shop/testing';
import { formatCost, priceUsage } from './price';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseArgs(argv: readonly string[]): { orders: number } {
  const options = { orders: 20 };
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    if (argv[i] === '--orders' && Number.isInteger(value) && value > 0) {
      options.orders = value;
      i++;
    } else throw new Error(`unknown or bad option ${argv[i]}; options: --orders N`);
  }
  return options;
}

async function expectStatus(answer: Promise<ApiAnswer>, status: number, what: string): Promise<ApiAnswer['body']> {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`${what} answered ${got}: ${JSON.stringify(body)}`);
  return body;
}

/** Until the checkout has reached `state` (or ended), as the local console shows it. */
async function waitForState(api: ApiClient, orderId: string, state: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const found = await api.get(`/_local/executions?orderId=${orderId}`);
    if (found.status === 200) {
      if (found.body.path.includes(state)) return found.body.execution.status as string;
      if (found.body.execution.status !== 'RUNNING') return found.body.execution.status as string;
    }
    await sleep(100);
  }
  throw new Error(`the checkout of ${orderId} did not reach ${state}`);
}

async function checkout(api: ApiClient, customer: AuthenticatedClient, productId: string): Promise<void> {
  await expectStatus(customer.get(`/products/${productId}`), 200, 'GET /products/{id}');
  await expectStatus(customer.post('/cart', { productId, quantity: 1 }), 200, 'POST /cart');
  const cart = await expectStatus(customer.get('/cart'), 200, 'GET /cart');
  const order = await expectStatus(customer.post('/orders', { cartId: cart.cartId }, { headers: { 'idempotency-key': randomUUID() } }), 201, 'POST /orders');
  await waitForState(api, order.orderId, 'WaitForPayment');
  await expectStatus(customer.post('/payment/process', { orderId: order.orderId, paymentMethod: 'pm_card_approve' }), 200, 'POST /payment/process');
  const ended = await waitForState(api, order.orderId, '(the end)');
  if (ended !== 'SUCCEEDED') throw new Error(`the checkout of ${order.orderId} ended ${ended}`);
  const paid = await expectStatus(customer.get(`/orders/${order.orderId}`), 200, 'GET /orders/{id}');
  if (paid.status !== 'PAID') throw new Error(`order ${order.orderId} ended ${paid.status}, not PAID`);
}

async function main(): Promise<void> {
  const { orders } = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(`[cost] ${line}`);
  log(`${orders} checkouts on a metered local cloud`);
  const cloud = await startLocalCloud({ meterUsage: true, onFunctionLog: () => undefined });
  try {
    if (!cloud.seeded) throw new Error('the local cloud was started without its seeded accounts');
    const api = new ApiClient(cloud.apiUrl);
    const admin = await signIn(api, cloud.seeded.admin.email, cloud.seeded.admin.password);
    const product = await expectStatus(
      admin.api.post('/products', { name: `Cost probe ${randomUUID().slice(0, 4)}`, price: { amount: 1500, currency: 'USD' }, stock: orders * 2 }),
      201,
      'POST /products',
    );
    const customers: AuthenticatedClient[] = [];
    for (let i = 0; i < orders; i++) {
      const customer = await newCustomer(api, `Cost ${i}`);
      await verifyContacts(customer.api, { email: customer.email });
      customers.push(customer.api);
    }
    // Warm: one checkout before the meter reads, so that the figures are of warm functions, as
    // nearly all of a shop's are; a cold start's share is in `npm run bench`.
    await checkout(api, customers[0]!, product.productId);
    await sleep(2000);

    const meterNow = async (): Promise<{ usage: UsageSnapshot; emails: number }> => ({
      usage: (await api.get('/_local/usage')).body as UsageSnapshot,
      emails: ((await api.get('/_local/outbox?channel=email')).body.messages as unknown[]).length,
    });
    const before = await meterNow();
    const started = Date.now();
    // Four shoppers at a time: a steady shop, not a flash sale.
    for (let i = 0; i < customers.length; i += 4) {
      await Promise.all(customers.slice(i, i + 4).map((customer) => checkout(api, customer, product.productId)));
    }
    // The last order's messages (e-mails, analytics) settle after its checkout ends.
    await sleep(3000);
    const after = await meterNow();
    log(`${orders} checkouts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const report = priceUsage(usageBetween(before.usage, after.usage), orders, { emails: after.emails - before.emails });
    console.log(`\n${formatCost(report)}`);
  } finally {
    await cloud.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
