import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The most JavaScript a first visit may download before the storefront runs, gzipped: 150 KB. */
export const INITIAL_JS_BUDGET_BYTES = 150_000;

export interface WebFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface WebSize {
  /** What index.html loads before anything runs: its entry script and the modules it preloads. */
  initial: WebFile[];
  /** Chunks loaded later, on their route (the admin panel, the live view). */
  lazy: WebFile[];
  css: WebFile[];
  initialGzipBytes: number;
}

/** Measures a built single-page app (Vite's output): what index.html pulls in at once, and the rest. */
export function measureWeb(dir: string): WebSize {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const referenced = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/?([^"]+\.js)"/g)].map((m) => m[1]!);
  const size = (file: string): WebFile => {
    const code = readFileSync(join(dir, file));
    return { file, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
  };
  const assets = readdirSync(join(dir, 'assets')).map((f) => `assets/${f}`);
  const initial = [...new Set(referenced)].map(size);
  const lazy = assets.filter((f) => f.endsWith('.js') && !referenced.includes(f)).map(size);
  const css = assets.filter((f) => f.endsWith('.css')).map(size);
  return { initial, lazy, css, initialGzipBytes: initial.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

export function formatWebSize(size: WebSize): string {
  const row = (kind: string, f: WebFile) => `${kind.padEnd(8)} ${f.file.padEnd(44)} ${kb(f.bytes).padStart(10)} ${kb(f.gzipBytes).padStart(10)}`;
  return [
    `${'kind'.padEnd(8)} ${'file'.padEnd(44)} ${'minified'.padStart(10)} ${'gzipped'.padStart(10)}`,
    ...size.initial.map((f) => row('initial', f)),
    ...size.lazy.map((f) => row('lazy', f)),
    ...size.css.map((f) => row('css', f)),
    '',
    `initial JavaScript: ${kb(size.initialGzipBytes)} gzipped (budget ${kb(INITIAL_JS_BUDGET_BYTES)})`,
  ].join('\n');
}
