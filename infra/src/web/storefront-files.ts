import { readdirSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/**
 * The storefront's build as S3 objects: each file's key, content type and caching. HTML and
 * `config.json` are revalidated on every load (`no-cache`), so a deploy shows at once; a file
 * whose name carries a content hash (`main-5FQ2TYJR.js`, `index-BdK3xZ1q.css`) never changes
 * and is cached for a year; anything else for five minutes. CloudFront needs no invalidation.
 */

export interface StorefrontFile {
  /** The object key and the file's path under the build folder, with `/`. */
  key: string;
  contentType: string;
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export const NO_CACHE = 'no-cache';
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const SHORT = 'public, max-age=300';

/** A name part of 8 or more letters and digits after `-` or `.`, with a digit or a capital in it: a bundler's content hash. */
const HASHED = /[.-](?=[A-Za-z0-9_]*[0-9A-Z])[A-Za-z0-9_]{8,}\.[a-z0-9]+$/;

export function storefrontFile(key: string): StorefrontFile {
  const extension = extname(key).toLowerCase();
  const contentType = CONTENT_TYPES[extension] ?? 'application/octet-stream';
  const cacheControl = extension === '.html' || key === 'config.json' ? NO_CACHE : HASHED.test(key.split('/').pop() ?? '') ? IMMUTABLE : SHORT;
  return { key, contentType, cacheControl };
}

/** Every file under `dir`, as objects, in key order. */
export function storefrontFiles(dir: string): StorefrontFile[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.isFile() ? [relative(dir, path).split(sep).join('/')] : [];
    });
  return walk(dir).sort().map(storefrontFile);
}
