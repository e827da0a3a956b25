import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type LayerName, LAYERS } from '@shop/platform';
import { findBundles } from './bundles';

export interface BundleSize {
  service: string;
  handler: string;
  bytes: number;
  gzipBytes: number;
}

/** Sizes of every handler bundle under `dist/apps/<service>/<handler>.js`. */
export function measureBundles(distApps: string): BundleSize[] {
  return findBundles(distApps).map(({ service, handler, path }) => {
    const code = readFileSync(path);
    return { service, handler, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength };
  });
}

export interface LayerSize {
  layer: LayerName;
  package: string;
  bytes: number;
  gzipBytes: number;
}

/** Sizes of each layer's bundle, `dist/layers/<layer>/nodejs/node_modules/<package>/index.js`: loaded by every function that requires it. */
export function measureLayers(distLayers: string): LayerSize[] {
  return (Object.entries(LAYERS) as [LayerName, (typeof LAYERS)[LayerName]][]).map(([layer, { package: pkg }]) => {
    const code = readFileSync(join(distLayers, layer, 'nodejs', 'node_modules', pkg, 'index.js'));
    return { layer, package: pkg, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength };
  });
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** A plain-text table, one handler a row, with the total at the bottom. */
export function formatTable(sizes: readonly BundleSize[]): string {
  return table('handler', sizes.map((s) => ({ name: `${s.service}/${s.handler}`, ...s })), 'handlers');
}

/** The same for the layers. */
export function formatLayerTable(sizes: readonly LayerSize[]): string {
  return table('layer', sizes.map((s) => ({ name: `${s.layer} (${s.package})`, ...s })), 'layers');
}

function table(what: string, sizes: readonly { name: string; bytes: number; gzipBytes: number }[], plural: string): string {
  const rows = sizes.map((s) => [s.name, kib(s.bytes), kib(s.gzipBytes)]);
  const total = sizes.reduce((acc, s) => ({ bytes: acc.bytes + s.bytes, gzip: acc.gzip + s.gzipBytes }), { bytes: 0, gzip: 0 });
  const all = [[what, 'minified', 'gzip'], ...rows, [`total (${sizes.length} ${plural})`, kib(total.bytes), kib(total.gzip)]];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => `${(r[0] ?? '').padEnd(widths[0] ?? 0)}  ${(r[1] ?? '').padStart(widths[1] ?? 0)}  ${(r[2] ?? '').padStart(widths[2] ?? 0)}`;
  return [line(all[0] ?? []), ...rows.map(line), line(all[all.length - 1] ?? [])].join('\n');
}
