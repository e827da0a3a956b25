import { join } from 'node:path';
import { freePort, isPortFree } from '../free-port';
import type { ListeningServer } from '../http-server';
import { startWebServer } from './web-server';

/** Where `nx build storefront` writes the app. */
export const STOREFRONT_DIST = join('dist', 'web', 'storefront');

export interface StorefrontSite {
  /** The origin the API must allow (CORS), known before the API starts. */
  origin: string;
  /** Serves the built storefront against the API at `apiUrl`. */
  start(apiUrl: string): Promise<ListeningServer>;
}

/**
 * Picks the storefront's port (`port`, or a free one when it is taken) so that its origin is
 * known before the API starts and can be allowed there; `start` serves the app once the API's URL
 * is known. For `npm start` and the end-to-end suite alike.
 */
export async function storefrontSite(options: { repoRoot: string; host: string; port: number }): Promise<StorefrontSite> {
  const port = options.port !== 0 && (await isPortFree(options.port, options.host)) ? options.port : await freePort(options.host);
  return {
    origin: `http://${options.host}:${port}`,
    start: (apiUrl) => startWebServer({ dir: join(options.repoRoot, STOREFRONT_DIST), host: options.host, port, config: { apiUrl, localCloud: true } }),
  };
}
