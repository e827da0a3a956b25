import { newCustomer, signIn, type SignedInUser } from '@shop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, cloud, resignLocalToken } from '../src/cloud';

const mug = { name: 'Enamel mug', description: 'Holds 350 ml', price: { amount: 1250, currency: 'USD' }, stock: 40 };

let admin: SignedInUser;
let manager: SignedInUser;
let customer: SignedInUser;

beforeAll(async () => {
  admin = await signIn(api, cloud.admin.email, cloud.admin.password);
  manager = await signIn(api, cloud.manager.email, cloud.manager.password);
  customer = await newCustomer(api);
});

describe('catalogue', () => {
  it('lets the seeded admin create a product that a customer then lists and gets', async () => {
    const created = await admin.api.post('/products', mug);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...mug, productId: expect.any(String) });
    const { productId } = created.body;

    const listed = await customer.api.get('/products?limit=100');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { productId: string }) => p.productId)).toContain(productId);

    const got = await customer.api.get(`/products/${productId}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    // Anyone may browse, signed in or not.
    expect((await api.get(`/products/${productId}`)).status).toBe(200);
  });

  it('makes one product of a create retried under its Idempotency-Key, with its stock once; the key with another product is 422', async () => {
    const key = `e2e-${crypto.randomUUID()}`;
    const headers = { 'Idempotency-Key': key };
    const first = await admin.api.post('/products', mug, { headers });
    const retried = await admin.api.post('/products', mug, { headers });
    expect(first.status).toBe(201);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    const { productId } = first.body;
    const listed = (await customer.api.get('/products?limit=100')).body.items.filter((p: { name: string; productId: string }) => p.name === mug.name && p.productId === productId);
    expect(listed).toHaveLength(1);
    expect((await api.get(`/products/${productId}`)).body.stock).toBe(mug.stock);

    const other = await admin.api.post('/products', { ...mug, stock: 41 }, { headers });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    // Another editor's key of the same spelling is theirs: a product of their own.
    const managers = await manager.api.post('/products', mug, { headers });
    expect(managers.status).toBe(201);
    expect(managers.body.productId).not.toBe(productId);
  });

  it('lets ADMIN and MANAGER update a product, and only ADMIN delete it (soft)', async () => {
    const { productId } = (await admin.api.post('/products', mug)).body;
    const updated = await manager.api.put(`/products/${productId}`, { description: 'Holds 400 ml', price: { amount: 999, currency: 'USD' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ productId, stock: mug.stock, price: { amount: 999, currency: 'USD' }, name: mug.name, description: 'Holds 400 ml' });

    expect((await manager.api.delete(`/products/${productId}`)).status).toBe(403);
    expect((await admin.api.delete(`/products/${productId}`)).status).toBe(204);

    expect((await api.get(`/products/${productId}`)).status).toBe(404);
    const listed = await api.get('/products?limit=100');
    expect(listed.body.items.map((p: { productId: string }) => p.productId)).not.toContain(productId);
    expect((await admin.api.put(`/products/${productId}`, { name: 'Gone' })).status).toBe(404);
    expect((await admin.api.delete(`/products/${productId}`)).status).toBe(404);
  });

  it('forbids a customer to create, update or delete products', async () => {
    const { productId } = (await admin.api.post('/products', mug)).body;
    const attempts = [
      await customer.api.post('/products', mug),
      await customer.api.put(`/products/${productId}`, { price: { amount: 1, currency: 'USD' } }),
      await customer.api.delete(`/products/${productId}`),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(403);
      expect(attempt.body.error.code).toBe('FORBIDDEN');
    }
    expect((await api.get(`/products/${productId}`)).body.stock).toBe(mug.stock);
  });

  it('answers 404 for an unknown product', async () => {
    const res = await api.get('/products/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('pages through the catalogue with limit and nextCursor, newest first, each product once', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await admin.api.post('/products', { ...mug, name: `Paged ${i}` })).body.productId);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await api.get(`/products${query}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((p: { productId: string }) => p.productId));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);

    expect(new Set(seen).size).toBe(seen.length);
    for (const id of mine) expect(seen).toContain(id);
    // Newest first: the last one created comes before the first one.
    expect(seen.indexOf(mine[4] as string)).toBeLessThan(seen.indexOf(mine[0] as string));
  });
});

describe('tokens', () => {
  it('refuses a request without a token with 401', async () => {
    const res = await api.post('/products', mug);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('refuses a tampered token with 401', async () => {
    const [header, payload, signature] = customer.token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['ADMIN'] })).toString('base64url');
    const res = await api.post('/products', mug, { token: `${header}.${forged}.${signature}` });
    expect(res.status).toBe(401);
  });

  it('refuses a correctly signed but expired token with 401', async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = resignLocalToken(admin.token, (claims) => ({ ...claims, iat: past, auth_time: past, exp: past + 3600 }));
    const res = await api.post('/products', mug, { token: expired });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/i);
  });

  it('refuses garbage in the Authorization header with 401', async () => {
    expect((await api.get('/users/me', { headers: { authorization: 'Bearer not.a.jwt' } })).status).toBe(401);
    expect((await api.get('/users/me', { headers: { authorization: 'Basic Zm9vOmJhcg==' } })).status).toBe(401);
  });
});
