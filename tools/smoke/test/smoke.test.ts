import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { apiUrlFromOutputs } from '../src/api-url';
import { SmokeFailure, smokeTest } from '../src/smoke';

/**
 * A stand-in for the deployed shop, as fetch sees it: just enough of the API for the smoke test's
 * calls, with an order that goes AWAITING_PAYMENT and then PAID as the checkout would.
 */
function fakeShop(options: { products?: { productId: string; stock: number }[]; paymentStatus?: string } = {}) {
  const calls: string[] = [];
  const products = [...(options.products ?? [{ productId: 'p-1', stock: 3 }])];
  let orderStatus = 'PENDING';
  const answer = (status: number, body?: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status });
  const stub = (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const method = request.method;
    const route = `${method} ${url.pathname}`;
    calls.push(`${route}${url.search}`);
    if (!request.headers.get('x-correlation-id')?.startsWith('smoke-')) return answer(400, { error: { code: 'NO_CORRELATION_ID', message: 'x-correlation-id' } });
    const text = await request.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const signedIn = request.headers.get('authorization') === 'Bearer token';
    switch (route) {
      case 'POST /users/register':
        return answer(201, { userId: 'u-1', email: body['email'] });
      case 'POST /users/login':
        return answer(200, { token: 'token' });
      case 'GET /products':
        return answer(200, { items: products });
      case 'POST /products':
        products.push({ productId: 'p-new', stock: Number(body['stock']) });
        return answer(201, { productId: 'p-new' });
      case 'POST /cart':
        return signedIn ? answer(200, { cartId: 'c-1' }) : answer(401);
      case 'GET /cart':
        return answer(200, { cartId: 'c-1', items: [] });
      case 'POST /orders':
        if (!signedIn || !request.headers.get('idempotency-key')) return answer(400, { error: { code: 'BAD_REQUEST', message: 'idempotency-key' } });
        orderStatus = 'AWAITING_PAYMENT';
        return answer(201, { orderId: 'o-1', status: 'PENDING' });
      case 'GET /orders/o-1':
        return answer(200, { orderId: 'o-1', status: orderStatus });
      case 'POST /payment/process':
        orderStatus = options.paymentStatus ?? 'PAID';
        return answer(200, { orderId: 'o-1', paymentStatus: 'PROCESSING' });
      default:
        return answer(404, { error: { code: 'ROUTE_NOT_FOUND', message: `No route for ${method} ${url.pathname}` } });
    }
  }) as typeof fetch;
  return { stub, calls };
}

describe('the smoke test', () => {
  it('in dev, registers a customer, orders a product in stock and pays, then reads the catalogue and an unknown route', async () => {
    const shop = fakeShop();
    const passed = await smokeTest({ apiUrl: 'https://api.example.com/', mode: 'full', fetch: shop.stub, pollMs: 1 });
    expect(passed).toHaveLength(5);
    expect(shop.calls.map((c) => c.replace(/smoke-[0-9a-f]{8}/, 'smoke-x'))).toEqual([
      'POST /users/register',
      'POST /users/login',
      'GET /products?limit=50',
      'POST /cart',
      'GET /cart',
      'POST /orders',
      'GET /orders/o-1',
      'POST /payment/process',
      'GET /orders/o-1',
      'GET /products?limit=1',
      'GET /smoke-x',
    ]);
  });

  it('in prod, only reads', async () => {
    const shop = fakeShop();
    await smokeTest({ apiUrl: 'https://api.example.com', mode: 'read-only', fetch: shop.stub });
    expect(shop.calls.every((c) => c.startsWith('GET '))).toBe(true);
  });

  it('has an administrator put a product in stock when the catalogue has none', async () => {
    const shop = fakeShop({ products: [] });
    await smokeTest({ apiUrl: 'https://api.example.com', mode: 'full', fetch: shop.stub, pollMs: 1, admin: { email: 'a@b.c', password: 'x' } });
    expect(shop.calls).toContain('POST /products');
  });

  it('says it skipped the order when there is nothing to buy and no administrator', async () => {
    const lines: string[] = [];
    const shop = fakeShop({ products: [] });
    await smokeTest({ apiUrl: 'https://api.example.com', mode: 'full', fetch: shop.stub, log: (l) => lines.push(l) });
    expect(lines.some((l) => l.startsWith('SKIPPED the order'))).toBe(true);
    expect(shop.calls).not.toContain('POST /orders');
  });

  it('fails, saying what it asked and what came back, when the order is not paid in time', async () => {
    const shop = fakeShop({ paymentStatus: 'PAYMENT_FAILED' });
    await expect(smokeTest({ apiUrl: 'https://api.example.com', mode: 'full', fetch: shop.stub, pollMs: 1, timeoutMs: 20 })).rejects.toThrow(
      /order o-1 is PAYMENT_FAILED, not PAID/,
    );
  });

  it("fails when an unknown route does not answer in the shop's error shape", async () => {
    const apiGatewayDefault = (async () => new Response(JSON.stringify({ message: 'Not Found' }), { status: 404 })) as typeof fetch;
    const passthrough = fakeShop();
    const stub = (async (input: string | URL | Request, init?: RequestInit) =>
      new Request(input, init).url.includes('/smoke-') ? apiGatewayDefault(input, init) : passthrough.stub(input, init)) as typeof fetch;
    await expect(smokeTest({ apiUrl: 'https://api.example.com', mode: 'read-only', fetch: stub })).rejects.toThrow(SmokeFailure);
  });
});

describe('the API URL', () => {
  it("comes from the platform stack's outputs", () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'outputs.json');
    writeFileSync(file, JSON.stringify({ api_url: { value: 'https://a1.execute-api.eu-west-1.amazonaws.com', type: 'string' } }));
    expect(apiUrlFromOutputs(file)).toBe('https://a1.execute-api.eu-west-1.amazonaws.com');
    writeFileSync(file, '{}');
    expect(() => apiUrlFromOutputs(file)).toThrow(/no api_url output/);
  });
});
