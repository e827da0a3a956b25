import type { IncomingMessage, ServerResponse } from 'node:http';
import { BROWSER_CORS } from '@shop/platform';

/** Which browser origins may call the local API, matched exactly; any other gets no CORS headers. */
export interface CorsPolicy {
  origins: readonly string[];
}

/**
 * The origins `npm start`'s API allows: the storefront it serves, and Vite's dev server (5173,
 * `npx nx dev storefront`) and preview (4173) under either name of this machine, since a browser
 * sends the origin as typed in its address bar. The deployed dev stage allows the same ports.
 */
export function localWebOrigins(storefrontOrigin: string): string[] {
  const vite = ['localhost', '127.0.0.1'].flatMap((host) => [5173, 4173].map((port) => `http://${host}:${port}`));
  return [storefrontOrigin, ...vite];
}

/** What a browser app may send and read: the deployed API's lists (`BROWSER_CORS`). */
const ALLOWED_HEADERS = BROWSER_CORS.requestHeaders.join(', ');
const ALLOWED_METHODS = BROWSER_CORS.methods.join(', ');
const EXPOSED_HEADERS = BROWSER_CORS.responseHeaders.join(', ');

/**
 * CORS for the local API gateway, as an HTTP API's CORS configuration does it on AWS: for an
 * allowed origin, answers the preflight (204) and marks every answer readable by it; any other
 * origin gets no CORS headers, so the browser keeps the answer from it. Bearer tokens, not
 * cookies: no credentials are allowed. Returns true when it answered the request itself.
 */
export function applyCors(request: IncomingMessage, response: ServerResponse, policy: CorsPolicy): boolean {
  const origin = request.headers.origin;
  response.setHeader('vary', 'origin');
  if (!origin || !policy.origins.includes(origin)) return false;
  response.setHeader('access-control-allow-origin', origin);
  if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
    response.writeHead(204, {
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '600',
    });
    response.end();
    return true;
  }
  response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  return false;
}
