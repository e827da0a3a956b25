import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { type ListeningServer, listen } from '../http-server';

/** What the storefront reads from `config.json` when it starts (apps/storefront/src/config.ts). */
export interface WebConfig {
  apiUrl: string;
  /** The local cloud's `/_local/` pages are there: the live view can use them. */
  localCloud: boolean;
}

export interface WebServerOptions {
  /** The built app: index.html and assets/. */
  dir: string;
  config: WebConfig;
  host?: string;
  /** 0 picks a free one. */
  port?: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves a built single-page app as CloudFront and S3 would: files as they are (hashed assets
 * cached for good, index.html never), `index.html` for any other path so that the app's own
 * router answers it, and `config.json` written from the run's config, so that the same build
 * runs against any API.
 */
export async function startWebServer(options: WebServerOptions): Promise<ListeningServer> {
  const root = normalize(options.dir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) throw new Error(`no built app in ${root}: build it first (npx nx build storefront)`);
  const config = JSON.stringify(options.config);
  const api = new URL(options.config.apiUrl).origin;
  const security = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'content-security-policy': `default-src 'self'; connect-src 'self' ${api}; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
  };

  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { allow: 'GET, HEAD' }, 'Method Not Allowed');
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    if (path === '/config.json') return send(response, 200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-store', ...security }, config);
    const file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return send(response, 404, {}, 'Not Found');
    if (existsSync(file) && statSync(file).isFile()) {
      const immutable = path.startsWith('/assets/');
      return send(
        response,
        200,
        {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          ...security,
        },
        readFileSync(file),
        request.method === 'HEAD',
      );
    }
    // A missing asset is a 404; any other path is a page of the app.
    if (extname(path) !== '') return send(response, 404, {}, 'Not Found');
    return send(response, 200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache', ...security }, readFileSync(index), request.method === 'HEAD');
  });
  return listen(server, options);
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer, headOnly = false): void {
  response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(headOnly ? undefined : body);
}
