import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started local endpoint. */
export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * How long an idle keep-alive connection stays open. The SDK's clients keep their connections for
 * good and reuse them; Node closes an idle one after 5 s by default, so a request sent on a socket
 * as the server closes it fails with "socket hang up", which the delivery clients (SES, SMS) do not
 * retry: an e2e test once got a 500 from POST /users/me/verification so. AWS's endpoints keep idle
 * connections far longer; so does the local cloud now, as a server behind a load balancer does.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Starts `server` on `host:port` (port 0: a free one). `close` also drops idle keep-alive sockets. */
export function listen(server: Server, options: { host?: string; port?: number }): Promise<ListeningServer> {
  const host = options.host ?? '127.0.0.1';
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node requires the headers timeout above the keep-alive one.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

export type ReadBodyResult = { tooLarge: false; body: Buffer } | { tooLarge: true };

/**
 * Reads a request body up to `limitBytes`. Beyond the limit it keeps reading and drops the
 * rest, so that the client, still sending, gets the error answer instead of a reset socket.
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<ReadBodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limitBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => resolve(size > limitBytes ? { tooLarge: true } : { tooLarge: false, body: Buffer.concat(chunks) }));
    request.on('error', reject);
  });
}
