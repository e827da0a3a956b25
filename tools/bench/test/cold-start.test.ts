import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ColdStartError, findBundles, measureColdStart } from '../src/cold-start';

function distWith(files: Record<string, string>): string {
  const dist = mkdtempSync(join(tmpdir(), 'bench-'));
  for (const [path, code] of Object.entries(files)) {
    mkdirSync(join(dist, path, '..'), { recursive: true });
    writeFileSync(join(dist, path), code);
  }
  return dist;
}

// Each run spawns a node process; on a busy machine that takes seconds, not a failure.
const SPAWNS = { timeout: 30_000 };

describe('cold start', () => {
  it('finds every handler bundle and skips the build metadata', () => {
    const dist = distWith({ 'cart-service/get-cart.js': '', 'cart-service/meta.json': '{}', 'user-service/login.js': '' });
    expect(findBundles(dist).map((b) => b.name)).toEqual(['cart-service/get-cart', 'user-service/login']);
  });

  it('loads a bundle in fresh processes and reports load time and memory', SPAWNS, async () => {
    const dist = distWith({ 'cart-service/get-cart.js': 'exports.handler = async () => ({ statusCode: 200 });' });
    const [bundle] = findBundles(dist);
    const result = await measureColdStart(bundle!, 2);
    expect(result.name).toBe('cart-service/get-cart');
    for (const figure of [result.loadMs, result.heapUsedMb, result.rssMb]) {
      expect(figure.min).toBeGreaterThan(0);
      expect(figure.median).toBeGreaterThanOrEqual(figure.min);
      expect(Number.isFinite(figure.median)).toBe(true);
    }
    expect(result.rssMb.median).toBeGreaterThan(result.heapUsedMb.median);
  });

  it('loads what a bundle requires from its layers, as Lambda does from /opt/nodejs/node_modules', SPAWNS, async () => {
    const dist = distWith({
      'cart-service/get-cart.js': "exports.handler = require('tiny-layer-lib').handler;",
      'layer/nodejs/node_modules/tiny-layer-lib/index.js': 'exports.handler = async () => ({ statusCode: 200 });',
    });
    const [bundle] = findBundles(dist).filter((b) => b.service === 'cart-service');
    await expect(measureColdStart(bundle!, 1)).rejects.toThrow(/Cannot find module 'tiny-layer-lib'/);
    const result = await measureColdStart(bundle!, 1, [join(dist, 'layer', 'nodejs', 'node_modules')]);
    expect(result.loadMs.min).toBeGreaterThan(0);
  });

  it('says which bundle failed when it does not load as a handler', SPAWNS, async () => {
    const dist = distWith({ 'cart-service/broken.js': 'exports.notAHandler = 1;' });
    const [bundle] = findBundles(dist);
    const failure = await measureColdStart(bundle!, 1).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ColdStartError);
    expect((failure as Error).message).toMatch(/broken\.js.*does not export a handler/s);
  });
});
