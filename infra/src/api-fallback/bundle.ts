import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { zipArchive } from '../assets/zip-archive';
import type { KnownRoutes } from './known-routes';

/**
 * The `$default` route's function as a Lambda zip: handler.ts bundled with esbuild at synth
 * (a few kilobytes, no layer, nothing from the repository's packages) as `index.js`, and the
 * routes it knows as `routes.json`. Deterministic, like every zip infra writes, so a plan shows
 * a change only when the code or the routes changed.
 */
export function fallbackFunctionZip(routes: KnownRoutes): Buffer {
  const bundle = buildSync({
    entryPoints: [join(__dirname, 'handler.ts')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild wrote no bundle for the $default route function');
  return zipArchive([
    { path: 'index.js', data: Buffer.from(code) },
    { path: 'routes.json', data: Buffer.from(`${JSON.stringify(routes, null, 2)}\n`) },
  ]);
}
