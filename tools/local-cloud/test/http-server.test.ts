import { createServer, request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { KEEP_ALIVE_TIMEOUT_MS, listen, type ListeningServer } from '../src/http-server';

describe('a local endpoint', () => {
  let server: ListeningServer | undefined;
  afterAll(() => server?.close());

  it('keeps an idle keep-alive connection open past Node’s 5 s, as AWS’s endpoints do, so that a client reusing it is not hung up on', async () => {
    const http = createServer((_, response) => response.end('{}'));
    server = await listen(http, {});
    expect(http.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    expect(http.headersTimeout).toBeGreaterThan(http.keepAliveTimeout);

    // The server says so to the client, which keeps the socket that long at most.
    const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
      request(server!.url, { headers: { connection: 'keep-alive' } }, (response) => {
        response.resume();
        const header = response.headers['keep-alive'];
        resolve(Array.isArray(header) ? header.join(', ') : header);
      })
        .on('error', reject)
        .end();
    });
    expect(keepAlive).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
  });
});
