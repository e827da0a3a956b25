import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  BUDGET,
  bundlesWithCredentialChain,
  bundlesWithZodClassic,
  formatVerdicts,
  judgeBundleSizes,
  judgeColdStart,
  judgeCredentialChain,
  judgeWarmOverhead,
  judgeZodClassic,
} from '../src/budget';
import type { ColdStart, ColdStartRun } from '../src/cold-start';
import { overheadOf } from '../src/warm-overhead';

const cold = (name: string, initMedian: number): ColdStart => ({
  name,
  loadMs: { median: initMedian - 50, min: initMedian - 52 },
  initMs: { median: initMedian, min: initMedian - 2 },
  heapUsedMb: { median: 9, min: 9 },
  rssMb: { median: 60, min: 60 },
});
const runWith = (...inits: number[]): ColdStartRun => ({
  baseline: cold('hello-world (baseline)', 50),
  floor: cold('SDK floor', 80),
  results: inits.map((init, i) => cold(`svc/handler-${i}`, init)),
});
const budget = { ...BUDGET, medianColdStartRatio: 2.2, slowestColdStartRatio: 3, medianOverFloorRatio: 1.4, slowestOverFloorRatio: 2 };

describe('performance budgets', () => {
  it('passes cold starts whose median and slowest ratios to hello-world are within budget', () => {
    const verdicts = judgeColdStart(runWith(90, 100, 110, 150), budget);
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, true]);
    expect(verdicts.map((v) => v.value)).toEqual(['2.10×', '3.00×', '1.31×', '1.88×']);
    expect(verdicts[2]?.figure).toContain('(1.60× hello-world');
  });

  it('judges the handlers against the SDK floor measured in the same run, apart from hello-world', () => {
    // Within the hello-world budget, but twice the floor: the shop, not the SDK, made them slow.
    const overFloor = { ...budget, medianColdStartRatio: 4, slowestColdStartRatio: 4 };
    const run = { ...runWith(160, 170, 190), floor: cold('SDK floor', 60) };
    const verdicts = judgeColdStart(run, overFloor);
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, false, false]);
    expect(verdicts[2]).toMatchObject({ value: '2.83×' });
    expect(verdicts[3]).toMatchObject({ value: '3.17×', figure: expect.stringContaining('svc/handler-2') });
  });

  it('fails a run that did not measure the SDK floor rather than skip its figure', () => {
    const { floor: _unmeasured, ...withoutFloor } = runWith(90, 100);
    const verdicts = judgeColdStart(withoutFloor, budget);
    expect(verdicts.at(-1)).toMatchObject({ ok: false, value: 'not measured' });
  });

  it('fails the median and names the slowest handler when they leave the budget', () => {
    const verdicts = judgeColdStart(runWith(110, 120, 160), { ...budget, medianOverFloorRatio: 2, slowestOverFloorRatio: 2 });
    expect(verdicts[0]).toMatchObject({ ok: false, value: '2.40×' });
    expect(verdicts[1]).toMatchObject({ ok: false, value: '3.20×', figure: expect.stringContaining('svc/handler-2') });
  });

  it('fails when any bundle, a layer included, passes 1 MiB, and names every one over', () => {
    const bundles = [
      { service: 'a', handler: 'small', bytes: 300_000, gzipBytes: 1 },
      { service: 'a', handler: 'huge', bytes: 1_100_000, gzipBytes: 1 },
    ];
    const layers = [{ layer: 'common-utils' as const, package: '@shop/common', bytes: 1_200_000, gzipBytes: 1 }];
    const [verdict] = judgeBundleSizes(bundles, layers);
    expect(verdict).toMatchObject({ ok: false, value: '1172 KiB' });
    expect(verdict?.figure).toMatch(/common-utils layer.*also over: a\/huge/);
    expect(judgeBundleSizes(bundles.slice(0, 1), [])[0]?.ok).toBe(true);
  });

  it("judges the wrapper's p50 overhead over the bare handler against 1 ms", () => {
    const bare = Array.from({ length: 100 }, () => 0.01);
    expect(judgeWarmOverhead(overheadOf('svc/fn', bare.map((b) => b + 0.2), bare))[0]?.ok).toBe(true);
    expect(judgeWarmOverhead(overheadOf('svc/fn', bare.map((b) => b + 1.5), bare))[0]).toMatchObject({ ok: false, value: '1.500 ms' });
  });

  it('prints OVER in front of every figure outside its budget', () => {
    const text = formatVerdicts(judgeColdStart(runWith(110, 120, 160), { ...budget, slowestOverFloorRatio: 1.9 }));
    expect(text.split('\n')).toHaveLength(4);
    expect(text.split('\n').every((line) => line.startsWith('OVER'))).toBe(true);
    expect(formatVerdicts(judgeColdStart(runWith(90, 100), budget)).split('\n').every((line) => line.startsWith('ok  '))).toBe(true);
  });
});

describe('the credential chain in bundles', () => {
  it("counts the handler bundles whose metafile holds the SDK's default chain, and names them", () => {
    const dist = mkdtempSync(join(tmpdir(), 'bench-meta-'));
    onTestFinished(() => rmSync(dist, { recursive: true, force: true }));
    const meta = (outputs: Record<string, string[]>) =>
      JSON.stringify({ outputs: Object.fromEntries(Object.entries(outputs).map(([out, inputs]) => [out, { inputs: Object.fromEntries(inputs.map((i) => [i, {}])) }])) });
    mkdirSync(join(dist, 'cart-service'));
    writeFileSync(
      join(dist, 'cart-service', 'meta.json'),
      meta({
        'dist/apps/cart-service/get-cart.js': ['node_modules/@aws-sdk/credential-provider-env/dist-es/fromEnv.js'],
        'dist/apps/cart-service/add-to-cart.js': ['node_modules/@aws-sdk/nested-clients/dist-es/submodules/sts/index.js'],
      }),
    );
    expect(bundlesWithCredentialChain(dist)).toEqual(['cart-service/add-to-cart']);
    expect(judgeCredentialChain(['cart-service/add-to-cart'])[0]).toMatchObject({ ok: false, value: '1' });
    expect(judgeCredentialChain([])[0]?.ok).toBe(true);
  });
});

describe('zod classic in bundles', () => {
  it('counts the handler bundles that took zod classic instead of zod/mini, and names them', () => {
    const dist = mkdtempSync(join(tmpdir(), 'bench-meta-'));
    onTestFinished(() => rmSync(dist, { recursive: true, force: true }));
    const meta = (outputs: Record<string, string[]>) =>
      JSON.stringify({ outputs: Object.fromEntries(Object.entries(outputs).map(([out, inputs]) => [out, { inputs: Object.fromEntries(inputs.map((i) => [i, {}])) }])) });
    mkdirSync(join(dist, 'product-service'));
    writeFileSync(
      join(dist, 'product-service', 'meta.json'),
      meta({
        'dist/apps/product-service/get-product.js': ['node_modules/zod/v4/core/core.js', 'node_modules/zod/v4/mini/schemas.js'],
        'dist/apps/product-service/list-products.js': ['node_modules/zod/v4/core/core.js', 'node_modules/zod/v4/classic/schemas.js'],
        'dist/apps/product-service/meta.json': ['node_modules/zod/v4/classic/schemas.js'],
      }),
    );
    expect(bundlesWithZodClassic(dist)).toEqual(['product-service/list-products']);
    expect(judgeZodClassic(['product-service/list-products'])[0]).toMatchObject({ ok: false, value: '1', budget: '≤ 0' });
    expect(judgeZodClassic([])[0]?.ok).toBe(true);
  });
});

describe('a handler bundle no metafile describes', () => {
  it('fails the checks that read metafiles, naming the bundle and why, rather than pass it unread', () => {
    const dist = mkdtempSync(join(tmpdir(), 'bench-meta-'));
    onTestFinished(() => rmSync(dist, { recursive: true, force: true }));
    // order-service's metafile describes one of its two bundles; user-service has none at all.
    mkdirSync(join(dist, 'order-service'));
    writeFileSync(join(dist, 'order-service', 'get-order.js'), '');
    writeFileSync(join(dist, 'order-service', 'list-orders.js'), '');
    writeFileSync(join(dist, 'order-service', 'meta.json'), JSON.stringify({ outputs: { 'dist/apps/order-service/get-order.js': { inputs: { 'libs/common/src/index.ts': {} } } } }));
    mkdirSync(join(dist, 'user-service'));
    writeFileSync(join(dist, 'user-service', 'login.js'), '');
    const unchecked = [
      'order-service/list-orders: unchecked, not in order-service/meta.json (build the service again)',
      'user-service/login: unchecked, not in user-service/meta.json (build the service again)',
    ];
    expect(bundlesWithZodClassic(dist)).toEqual(unchecked);
    expect(bundlesWithCredentialChain(dist)).toEqual(unchecked);
    const [verdict] = judgeZodClassic(bundlesWithZodClassic(dist));
    expect(verdict).toMatchObject({ ok: false, value: '2' });
    expect(verdict?.figure).toContain('user-service/login: unchecked');
  });
});
