import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src';

let baseUrl = '';
const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    if (req.url === '/text') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
      return;
    }
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body }));
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('ApiClient', () => {
  it('sends JSON bodies and bearer tokens, and returns answers instead of throwing', async () => {
    const api = new ApiClient(baseUrl).as('tok-1');
    const res = await api.post('/missing', { a: 1 });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ echo: '{"a":1}' });
    const last = seen.at(-1);
    expect(last?.headers['authorization']).toBe('Bearer tok-1');
    expect(last?.headers['content-type']).toBe('application/json');
  });

  it('sends a string body untouched, so tests can send malformed JSON', async () => {
    await new ApiClient(baseUrl).post('/x', '{"broken":');
    expect(seen.at(-1)?.body).toBe('{"broken":');
  });

  it('returns non-JSON answers as text', async () => {
    expect((await new ApiClient(baseUrl).get('/text')).body).toBe('hello');
  });
});
