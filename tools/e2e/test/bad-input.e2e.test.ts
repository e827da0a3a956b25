import { type ApiAnswer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, cloud, scanAll } from '../src/cloud';

const valid = { name: 'Teapot', description: 'Short and stout', price: { amount: 2500, currency: 'USD' }, stock: 3 };

let admin: SignedInUser;
let productId: string;

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
  productId = (await admin.api.post('/products', valid)).body.productId;
});

/**
 * Asserts that the request created no product and changed none of this file's own products.
 * (Other suites' checkouts may still be releasing stock of their products in the background.)
 */
async function expectNothingWritten(request: () => Promise<ApiAnswer>) {
  const snapshot = async () => {
    const items = await scanAll(cloud.tables.products);
    return { ids: items.map((i) => i['productId']).sort(), mine: items.filter((i) => i['productId'] === productId) };
  };
  const before = await snapshot();
  const answer = await request();
  expect(await snapshot()).toEqual(before);
  return answer;
}

describe('bad input gets a 4xx naming what was wrong, and writes nothing', () => {
  it.each([
    ['malformed JSON', '{"name": "Teapot",', 'INVALID_JSON', 'body'],
    ['a wrong type', { ...valid, stock: 'three' }, 'VALIDATION_FAILED', 'stock'],
    ['a missing field', { name: 'Teapot', stock: 1 }, 'VALIDATION_FAILED', 'price'],
    ['an unknown field', { ...valid, discount: 50 }, 'VALIDATION_FAILED', 'discount'],
    ['a name over 200 characters', { ...valid, name: 'x'.repeat(201) }, 'VALIDATION_FAILED', 'name'],
    ['a description over 2000 characters', { ...valid, description: 'x'.repeat(2001) }, 'VALIDATION_FAILED', 'description'],
    ['negative stock', { ...valid, stock: -1 }, 'VALIDATION_FAILED', 'stock'],
    ['fractional stock', { ...valid, stock: 1.5 }, 'VALIDATION_FAILED', 'stock'],
    ['a negative price', { ...valid, price: { amount: -100, currency: 'USD' } }, 'VALIDATION_FAILED', 'price.amount'],
    ['a fractional price', { ...valid, price: { amount: 19.99, currency: 'USD' } }, 'VALIDATION_FAILED', 'price.amount'],
    ['an empty body', '', 'BODY_REQUIRED', 'body'],
    ['half a character in the name (a lone surrogate: valid JSON, not text)', JSON.stringify(valid).replace('Teapot', String.raw`Tea\ud83d`), 'INVALID_ENCODING', 'name'],
  ])('POST /products with %s → 400', async (_case, body, code, field) => {
    const res = await expectNothingWritten(() => admin.api.post('/products', body));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('a body that is not UTF-8 (sent as form data, which HTTP API passes base64-encoded) → 400 INVALID_ENCODING, nothing stored', async () => {
    const bytes = Buffer.concat([Buffer.from('{"name":"Tea'), Buffer.from([0xff]), Buffer.from('pot","price":{"amount":2500,"currency":"USD"},"stock":3}')]);
    const res = await expectNothingWritten(async () => {
      const response = await fetch(new URL('/products', api.baseUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: bytes,
      });
      return { status: response.status, body: await response.json(), headers: response.headers };
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_ENCODING', details: [{ field: 'body' }] });
  });

  it('PUT /products/{id} with bad fields → 400, product unchanged', async () => {
    const res = await expectNothingWritten(() => admin.api.put(`/products/${productId}`, { price: { amount: -5, currency: 'USD' } }));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('price.amount');
    const empty = await expectNothingWritten(() => admin.api.put(`/products/${productId}`, {}));
    expect(empty.status).toBe(400);
  });

  it('a product id that is not a UUID → 400 naming id', async () => {
    const res = await api.get('/products/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('id');
  });

  it('a bad page size or a tampered cursor → 400', async () => {
    const limit = await api.get('/products?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.error.details[0].field).toBe('limit');
    const cursor = await api.get('/products?cursor=bm90LWEtY3Vyc29y');
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.details[0].field).toBe('cursor');
    // A well-formed key whose timestamp is longer than DynamoDB takes as a key.
    const huge = Buffer.from(
      JSON.stringify({ productId, listing: 'LISTED', createdAt: `2025-01-02T03:04:05.${'0'.repeat(1400)}Z` }),
    ).toString('base64url');
    const tooLong = await api.get(`/products?cursor=${huge}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details[0].field).toBe('cursor');
  });

  it('a body over 64 KB → 413', async () => {
    const res = await expectNothingWritten(() => admin.api.post('/products', { ...valid, description: 'x'.repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('bad registration input → 400 naming the field, nobody created', async () => {
    const before = (await scanAll(cloud.tables.users)).length;
    const cases = [
      [{ email: 'not-an-email', password: 'Test-Passw0rd', name: 'X' }, 'email'],
      [{ email: 'a@example.test', password: 'Test-Passw0rd' }, 'name'],
      [{ email: 'a@example.test', password: 'Test-Passw0rd', name: 'X', role: 'ADMIN' }, 'role'],
      [{ email: 'a@example.test', password: 'Test-Passw0rd', name: 'x'.repeat(101) }, 'name'],
    ] as const;
    for (const [body, field] of cases) {
      const res = await api.post('/users/register', body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await scanAll(cloud.tables.users)).length).toBe(before);
  });

  it('an unknown route → 404, a known route with another method → 405', async () => {
    const unknown = await api.get('/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('ROUTE_NOT_FOUND');

    const wrongMethod = await expectNothingWritten(() => admin.api.request('PATCH', '/products', { body: valid }));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers.get('allow')).toMatch(/GET/);
    expect(wrongMethod.headers.get('allow')).toMatch(/POST/);
  });
});
