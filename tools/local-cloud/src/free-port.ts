import { createServer } from 'node:net';

/**
 * A TCP port that nothing listens on right now, chosen by the OS. Another process could
 * take it before the caller binds it; for emulators on a laptop or in a test run that
 * race is rare enough, and the emulator's start-up then fails with a clear message.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('the OS gave no free port'))));
    });
  });
}

/** Whether `port` can be bound on `host` at this moment. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host }, () => server.close(() => resolve(true)));
  });
}

/** `port` when it is given and not 0; otherwise a free one. */
export async function portOrFree(port: number | undefined, host = '127.0.0.1'): Promise<number> {
  return port ? port : freePort(host);
}
