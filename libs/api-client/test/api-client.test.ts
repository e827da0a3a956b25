import { describe, expect, it } from 'vitest';
import { createShopClient, hasRoute, isApiError } from '../src';

/** A fetch that records what it was asked and answers what the test says. */
function fakeFetch(answer: (request: Request) => Response) {
  const requests: Request[] = [];
  return {
    requests,
    fetch: async (request: Request) => {
      requests.push(request);
      return answer(request);
    },
  };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createShopClient', () => {
  it('calls the base URL with the path filled in, and hands back the typed body', async () => {
    const product = { productId: '0f8c3d0e-7b1a-4f5e-9c2d-1a2b3c4d5e6f', name: 'Mug', description: '', price: { amount: 1250, currency: 'USD' }, stock: 3 };
    const api = fakeFetch(() => json(200, product));
    const client = createShopClient({ baseUrl: 'http://shop.test/', fetch: api.fetch });

    const { data } = await client.GET('/products/{id}', { params: { path: { id: product.productId } } });

    expect(api.requests[0]?.url).toBe(`http://shop.test/products/${product.productId}`);
    expect(data?.price.amount).toBe(1250);
  });

  it('signs each request with the access token of the moment, and none when signed out', async () => {
    let token: string | undefined = 'access-1';
    const api = fakeFetch(() => json(200, {}));
    const client = createShopClient({ baseUrl: 'http://shop.test', accessToken: () => token, fetch: api.fetch });

    await client.GET('/users/me');
    token = undefined;
    await client.GET('/users/me');

    expect(api.requests[0]?.headers.get('authorization')).toBe('Bearer access-1');
    expect(api.requests[1]?.headers.has('authorization')).toBe(false);
  });

  it('waits for an access token that is being renewed before it sends the request', async () => {
    let renewed: (token: string) => void = () => undefined;
    const renewal = new Promise<string>((resolve) => (renewed = resolve));
    const api = fakeFetch(() => json(200, {}));
    const client = createShopClient({ baseUrl: 'http://shop.test', accessToken: () => renewal, fetch: api.fetch });

    const call = client.GET('/users/me');
    await new Promise((r) => setTimeout(r, 10));
    expect(api.requests).toHaveLength(0);
    renewed('access-2');
    await call;

    expect(api.requests[0]?.headers.get('authorization')).toBe('Bearer access-2');
  });

  it('sends the idempotency key and the correlation id as the document declares them', async () => {
    const api = fakeFetch(() => json(201, { orderId: '0f8c3d0e-7b1a-4f5e-9c2d-1a2b3c4d5e6f', status: 'PENDING' }));
    const client = createShopClient({ baseUrl: 'http://shop.test', fetch: api.fetch });

    await client.POST('/orders', {
      params: { header: { 'idempotency-key': 'attempt-1', 'x-correlation-id': 'web-123' } },
      body: { cartId: '0f8c3d0e-7b1a-4f5e-9c2d-1a2b3c4d5e6f' },
    });

    expect(api.requests[0]?.headers.get('idempotency-key')).toBe('attempt-1');
    expect(api.requests[0]?.headers.get('x-correlation-id')).toBe('web-123');
  });

  it("answers the API's error body as `error`", async () => {
    const body = { error: { code: 'VALIDATION_FAILED', message: 'Invalid request body', details: [{ field: 'email', message: 'Invalid email' }] } };
    const client = createShopClient({ baseUrl: 'http://shop.test', fetch: fakeFetch(() => json(400, body)).fetch });

    const { data, error, response } = await client.POST('/users/login', { body: { email: 'x', password: 'y' } });

    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(isApiError(error) && error.error.details?.[0]?.field).toBe('email');
  });
});

describe('hasRoute', () => {
  it('knows the routes of the document it was generated from', () => {
    expect(hasRoute('POST', '/orders')).toBe(true);
    expect(hasRoute('PATCH', '/orders')).toBe(false);
  });
});
