import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningServer } from '../src/http-server';
import { listen } from '../src/http-server';
import { applyCors, localWebOrigins } from '../src/web/cors';
import { startWebServer } from '../src/web/web-server';

describe('the storefront web server', () => {
  let site: ListeningServer;
  const dir = mkdtempSync(join(tmpdir(), 'web-'));

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>shop</title>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    site = await startWebServer({ dir, config: { apiUrl: 'http://127.0.0.1:3000', localCloud: true } });
  });
  afterAll(async () => {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers config.json from the run, never cached', async () => {
    const response = await fetch(`${site.url}/config.json`);
    expect(await response.json()).toEqual({ apiUrl: 'http://127.0.0.1:3000', localCloud: true });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('serves hashed assets for good, and index.html for any page of the app', async () => {
    const asset = await fetch(`${site.url}/assets/index-abc.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    const page = await fetch(`${site.url}/orders/123/live`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>shop</title>');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self' http://127.0.0.1:3000");
  });

  it('answers 404 for a missing file and for a path out of its folder', async () => {
    expect((await fetch(`${site.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${site.url}/..%2f..%2fetc%2fpasswd.txt`)).status).toBe(404);
  });
});

describe('CORS on the local API', () => {
  let api: ListeningServer;

  beforeAll(async () => {
    api = await listen(
      createServer((request, response) => {
        if (applyCors(request, response, { origins: localWebOrigins('http://127.0.0.1:3001') })) return;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      }),
      {},
    );
  });
  afterAll(() => api.close());

  it('answers the preflight of the storefront origin with the methods and headers the app sends', async () => {
    const response = await fetch(api.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3001', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, idempotency-key' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3001');
    expect(response.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it('lets the storefront read the id headers and the ETag, and no other origin read anything', async () => {
    const allowed = await fetch(api.url, { headers: { origin: 'http://127.0.0.1:3001' } });
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-correlation-id');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('etag');
    const other = await fetch(api.url, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("answers Vite's dev server and preview too, and still no port it does not list", async () => {
    const preflight = (origin: string) =>
      fetch(api.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:5173', 'http://localhost:4173']) {
      const response = await preflight(origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    }
    const unlisted = await preflight('http://localhost:5174');
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
  });
});
