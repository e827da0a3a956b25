import { randomUUID } from 'node:crypto';

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

interface Answer {
  status: number;
  body: unknown;
}

export async function smokeTest(options: SmokeOptions): Promise<string[]> {
  const http = options.fetch ?? fetch;
  const log = options.log ?? (() => undefined);
  const base = options.apiUrl.replace(/\/+$/, '');
  const passed: string[] = [];
  const pass = (what: string) => {
    passed.push(what);
    log(`ok  ${what}`);
  };

  const call = async (method: string, path: string, request: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const response = await http(`${base}${path}`, {
      method,
      headers: {
        'x-correlation-id': `smoke-${randomUUID()}`,
        ...(request.body !== undefined && { 'content-type': 'application/json' }),
        ...(request.token && { authorization: `Bearer ${request.token}` }),
        ...request.headers,
      },
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text for the message
    }
    return { status: response.status, body };
  };
  const expectStatus = (what: string, answer: Answer, status: number): Record<string, unknown> => {
    if (answer.status !== status) {
      throw new SmokeFailure(`${what}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    }
    return (answer.body ?? {}) as Record<string, unknown>;
  };

  if (options.mode === 'full') await checkout(options, call, expectStatus, pass, log);

  const catalogue = expectStatus('GET /products', await call('GET', '/products?limit=1'), 200);
  if (!Array.isArray(catalogue['items'])) throw new SmokeFailure(`GET /products: no items list in ${JSON.stringify(catalogue).slice(0, 300)}`);
  pass('GET /products answers the catalogue');

  const unknown = `/smoke-${randomUUID().slice(0, 8)}`;
  const notFound = expectStatus(`GET ${unknown}`, await call('GET', unknown), 404) as { error?: { code?: unknown; message?: unknown } };
  if (typeof notFound.error?.code !== 'string' || typeof notFound.error.message !== 'string') {
    throw new SmokeFailure(`GET ${unknown}: 404 without the shop's error shape {"error":{"code","message"}}: ${JSON.stringify(notFound).slice(0, 300)}`);
  }
  pass(`an unknown route answers 404 ${notFound.error.code}`);
  return passed;
}

type Call = (method: string, path: string, request?: { token?: string; body?: unknown; headers?: Record<string, string> }) => Promise<Answer>;
type ExpectStatus = (what: string, answer: Answer, status: number) => Record<string, unknown>;

async function checkout(options: SmokeOptions, call: Call, expectStatus: ExpectStatus, pass: (what: string) => void, log: (line: string) => void): Promise<void> {
  const email = `success+smoke-${Date.now()}-${randomUUID().slice(0, 6)}@${SIMULATOR}`;
  expectStatus('POST /users/register', await call('POST', '/users/register', { body: { email, password: PASSWORD, name: 'Smoke Test' } }), 201);
  const token = expectStatus('POST /users/login', await call('POST', '/users/login', { body: { email, password: PASSWORD } }), 200)['token'] as string;
  pass(`a customer registers and signs in (${email})`);

  const product = await productInStock(options, call, expectStatus, log);
  if (!product) {
    log('SKIPPED the order and the payment: the catalogue has no product in stock, and no administrator (SHOP_SMOKE_ADMIN_EMAIL/PASSWORD) to add one');
    return;
  }
  expectStatus('POST /cart', await call('POST', '/cart', { token, body: { productId: product, quantity: 1 } }), 200);
  const cartId = expectStatus('GET /cart', await call('GET', '/cart', { token }), 200)['cartId'] as string;
  const order = expectStatus('POST /orders', await call('POST', '/orders', { token, body: { cartId }, headers: { 'idempotency-key': randomUUID() } }), 201);
  const orderId = order['orderId'] as string;
  pass(`an order is placed (${orderId})`);

  await waitForStatus(options, call, expectStatus, token, orderId, 'AWAITING_PAYMENT');
  expectStatus('POST /payment/process', await call('POST', '/payment/process', { token, body: { orderId, paymentMethod: APPROVED_CARD } }), 200);
  await waitForStatus(options, call, expectStatus, token, orderId, 'PAID');
  pass('the order is paid with the test payment method');
}

/** A product with stock: the catalogue's first, or one the administrator adds when there is none. */
async function productInStock(options: SmokeOptions, call: Call, expectStatus: ExpectStatus, log: (line: string) => void): Promise<string | undefined> {
  const page = expectStatus('GET /products', await call('GET', '/products?limit=50'), 200) as { items?: { productId: string; stock?: number }[] };
  const inStock = page.items?.find((p) => (p.stock ?? 0) > 0);
  if (inStock) return inStock.productId;
  if (!options.admin) return undefined;
  const admin = expectStatus('POST /users/login (administrator)', await call('POST', '/users/login', { body: options.admin }), 200)['token'] as string;
  const created = expectStatus(
    'POST /products',
    await call('POST', '/products', {
      token: admin,
      body: { name: 'Smoke test item', description: 'Bought by the smoke test after each deploy.', price: { amount: 100, currency: 'USD' }, stock: 1000 },
    }),
    201,
  );
  log(`added the product ${String(created['productId'])} for the smoke test`);
  return created['productId'] as string;
}

async function waitForStatus(options: SmokeOptions, call: Call, expectStatus: ExpectStatus, token: string, orderId: string, status: string): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last = '';
  for (;;) {
    last = String(expectStatus(`GET /orders/${orderId}`, await call('GET', `/orders/${orderId}`, { token }), 200)['status']);
    if (last === status) return;
    if (Date.now() >= deadline) throw new SmokeFailure(`order ${orderId} is ${last}, not ${status}, after ${(options.timeoutMs ?? 60_000) / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
  }
}
