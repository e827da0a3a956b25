import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BASELINE_NAME, ColdStartError, findBundles, initRatio, measureColdStart, measureInterleaved, ratioSummary, writeBaselineBundle } from '../src/cold-start';

function distWith(files: Record<string, string>): string {
  const dist = mkdtempSync(join(tmpdir(), 'bench-'));
  onTestFinished(() => rmSync(dist, { recursive: true, force: true }));
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

describe('cold starts against a baseline', () => {
  it('loads every bundle and the hello-world baseline in the same rounds and gives their ratio', SPAWNS, async () => {
    const dist = distWith({
      'cart-service/get-cart.js': 'exports.handler = async () => ({ statusCode: 200 });',
      // 1.5 s of work at load: more than node's start-up can vary on a busy two-core machine, so the ratios below cannot flip.
      'cart-service/slow.js': 'const end = Date.now() + 1500; while (Date.now() < end); exports.handler = async () => ({ statusCode: 200 });',
    });
    const references = mkdtempSync(join(tmpdir(), 'bench-references-'));
    onTestFinished(() => rmSync(references, { recursive: true, force: true }));
    const baseline = writeBaselineBundle(join(references, 'baseline'));
    const floorDir = join(references, 'floor');
    mkdirSync(floorDir);
    writeFileSync(join(floorDir, 'floor.js'), 'const end = Date.now() + 300; while (Date.now() < end); exports.handler = async () => ({});');
    const floor = { service: 'reference', handler: 'floor', name: 'floor', path: join(floorDir, 'floor.js') };
    const rounds: number[] = [];
    const run = await measureInterleaved(findBundles(dist), baseline, { runs: 2, baselineEvery: 1, floor, onRound: (r) => rounds.push(r) });
    expect(rounds).toEqual([1, 2]);
    expect(run.baseline.name).toBe(BASELINE_NAME);
    expect(run.floor?.loadMs.min).toBeGreaterThanOrEqual(299);
    expect(run.results.map((r) => r.name)).toEqual(['cart-service/get-cart', 'cart-service/slow']);
    for (const r of [run.baseline, ...run.results]) expect(r.initMs.median).toBeGreaterThan(r.loadMs.median);
    const slow = run.results.find((r) => r.name === 'cart-service/slow')!;
    expect(slow.loadMs.min).toBeGreaterThanOrEqual(1499);
    expect(initRatio(slow, run.baseline)).toBeGreaterThan(1);
    expect(ratioSummary(run).slowest.name).toBe('cart-service/slow');
    // 1.5 s against 0.3 s of work: the slow handler is several times the floor, get-cart a fraction of it.
    expect(ratioSummary(run).floor?.slowest).toBeGreaterThan(2);
    expect(ratioSummary(run).floor?.ratio).toBeGreaterThan(1);
  });
});
