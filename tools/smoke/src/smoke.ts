import { randomUUID } from 'node:crypto';
import { createShopClient, type Middleware, type ShopClient } from '@shop/api-client';

/**
 * The checks a deploy ends with, over HTTP against the deployed API, as a customer would use it.
 * `full` (dev): a customer registers and signs in, puts a product in the cart, orders, pays with
 * the test payment method, and the order becomes PAID; then the reads below. `read-only` (prod,
 * where no test order belongs): the catalogue answers, and an unknown route answers 404 in the
 * shop's error shape (the `$default` route). Any failure throws with what was asked and answered.
 */

export type SmokeMode = 'full' | 'read-only';

export interface SmokeOptions {
  apiUrl: string;
  mode: SmokeMode;
  /** An administrator, to put a product in stock when the catalogue has none (dev only). */
  admin?: { email: string; password: string };
  fetch?: typeof fetch;
  log?: (line: string) => void;
  /** How long to wait for the checkout to reach a status, and how often to look. */
  timeoutMs?: number;
  pollMs?: number;
}

export class SmokeFailure extends Error {
  override name = 'SmokeFailure';
}

/** The SES mailbox simulator accepts any label, in the sandbox too: the shop's e-mails to the test customer land nowhere. */
const SIMULATOR = 'simulator.amazonses.com';
/** The test payment method the payment provider approves. */
const APPROVED_CARD = 'pm_card_approve';
const PASSWORD = 'Smoke-Test-Passw0rd';

/** What the typed client answers: the body parsed as the status says (`data` for 2xx, `error` otherwise). */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body when it came with `status`; otherwise a failure naming what was asked and what came back. */
async function expectStatus<T>(what: string, pending: Promise<Answer<T>>, status: number): Promise<T> {
  const { data, error, response } = await pending;
  if (response.status !== status) {
    throw new SmokeFailure(`${what}: expected ${status}, got ${response.status}: ${JSON.stringify(error ?? data).slice(0, 500)}`);
  }
  return data as T;
}

/** Every request carries its own correlation id, so that a failed check can be found in the stage's logs. */
const correlated: Middleware = {
  onRequest({ request }) {
    request.headers.set('x-correlation-id', `smoke-${randomUUID()}`);
    return request;
  },
};

/** A client of the deployed API, through `@shop/api-client`: the calls are typed by the same OpenAPI document the shop serves. */
interface Shop {
  /** As `token`'s holder, or anonymous. */
  as(token?: string): ShopClient;
  /** A request outside the API's document (an unknown route), sent as it is. */
  raw(path: string): Promise<Response>;
}

function shopAt(options: SmokeOptions): Shop {
  const http = options.fetch ?? fetch;
  const baseUrl = options.apiUrl.replace(/\/+$/, '');
  return {
    as(token) {
      const client = createShopClient({ baseUrl, fetch: (request) => http(request), accessToken: () => token });
      client.use(correlated);
      return client;
    },
    raw: (path) => http(new Request(`${baseUrl}${path}`, { headers: { 'x-correlation-id': `smoke-${randomUUID()}` } })),
  };
}

export async function smokeTest(options: SmokeOptions): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  const shop = shopAt(options);
  const passed: string[] = [];
  const pass = (what: string) => {
    passed.push(what);
    log(`ok  ${what}`);
  };

  if (options.mode === 'full') await checkout(options, shop, pass, log);

  const catalogue = await expectStatus('GET /products', shop.as().GET('/products', { params: { query: { limit: 1 } } }), 200);
  if (!Array.isArray(catalogue.items)) throw new SmokeFailure(`GET /products: no items list in ${JSON.stringify(catalogue).slice(0, 300)}`);
  pass('GET /products answers the catalogue');

  const unknown = `/smoke-${randomUUID().slice(0, 8)}`;
  const response = await shop.raw(unknown);
  const text = await response.text();
  const notFound = parseJson(text) as { error?: { code?: unknown; message?: unknown } } | undefined;
  if (response.status !== 404) throw new SmokeFailure(`GET ${unknown}: expected 404, got ${response.status}: ${text.slice(0, 500)}`);
  if (typeof notFound?.error?.code !== 'string' || typeof notFound.error.message !== 'string') {
    throw new SmokeFailure(`GET ${unknown}: 404 without the shop's error shape {"error":{"code","message"}}: ${text.slice(0, 300)}`);
  }
  pass(`an unknown route answers 404 ${notFound.error.code}`);
  return passed;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

async function checkout(options: SmokeOptions, shop: Shop, pass: (what: string) => void, log: (line: string) => void): Promise<void> {
  const email = `success+smoke-${Date.now()}-${randomUUID().slice(0, 6)}@${SIMULATOR}`;
  await expectStatus('POST /users/register', shop.as().POST('/users/register', { body: { email, password: PASSWORD, name: 'Smoke Test' } }), 201);
  const { token } = await expectStatus('POST /users/login', shop.as().POST('/users/login', { body: { email, password: PASSWORD } }), 200);
  pass(`a customer registers and signs in (${email})`);

  const product = await productInStock(options, shop, log);
  if (!product) {
    log('SKIPPED the order and the payment: the catalogue has no product in stock, and no administrator (SHOP_SMOKE_ADMIN_EMAIL/PASSWORD) to add one');
    return;
  }
  const customer = shop.as(token);
  await expectStatus('POST /cart', customer.POST('/cart', { body: { productId: product, quantity: 1 } }), 200);
  const { cartId } = await expectStatus('GET /cart', customer.GET('/cart'), 200);
  const { orderId } = await expectStatus(
    'POST /orders',
    customer.POST('/orders', { params: { header: { 'idempotency-key': randomUUID() } }, body: { cartId } }),
    201,
  );
  pass(`an order is placed (${orderId})`);

  await waitForStatus(options, customer, orderId, 'AWAITING_PAYMENT');
  await expectStatus('POST /payment/process', customer.POST('/payment/process', { body: { orderId, paymentMethod: APPROVED_CARD } }), 200);
  await waitForStatus(options, customer, orderId, 'PAID');
  pass('the order is paid with the test payment method');
}

/** A product with stock: the catalogue's first, or one the administrator adds when there is none. */
async function productInStock(options: SmokeOptions, shop: Shop, log: (line: string) => void): Promise<string | undefined> {
  const page = await expectStatus('GET /products', shop.as().GET('/products', { params: { query: { limit: 50 } } }), 200);
  const inStock = page.items.find((p) => (p.stock ?? 0) > 0);
  if (inStock) return inStock.productId;
  if (!options.admin) return undefined;
  const { token } = await expectStatus('POST /users/login (administrator)', shop.as().POST('/users/login', { body: options.admin }), 200);
  const created = await expectStatus(
    'POST /products',
    shop.as(token).POST('/products', {
      body: { name: 'Smoke test item', description: 'Bought by the smoke test after each deploy.', price: { amount: 100, currency: 'USD' }, stock: 1000 },
    }),
    201,
  );
  log(`added the product ${created.productId} for the smoke test`);
  return created.productId;
}

async function waitForStatus(options: SmokeOptions, customer: ShopClient, orderId: string, status: string): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const order = await expectStatus(`GET /orders/${orderId}`, customer.GET('/orders/{orderId}', { params: { path: { orderId } } }), 200);
    if (order.status === status) return;
    if (Date.now() >= deadline) throw new SmokeFailure(`order ${orderId} is ${order.status}, not ${status}, after ${(options.timeoutMs ?? 60_000) / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
  }
}
