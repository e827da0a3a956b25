import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Bundle } from '@shop/bundle-size';
import { median, summarize, type Summary } from './stats';

export { type Bundle, findBundles } from '@shop/bundle-size';

export interface ColdStartSample {
  /** `require` of the bundle alone. */
  loadMs: number;
  /** From the start of the node process until the handler is loaded: what Lambda reports as Init Duration, less the runtime's own client. */
  initMs: number;
  heapUsedMb: number;
  rssMb: number;
}

export interface ColdStart {
  name: string;
  loadMs: Summary;
  initMs: Summary;
  heapUsedMb: Summary;
  rssMb: Summary;
}

export class ColdStartError extends Error {
  override name = 'ColdStartError';
}

// Runs in the child: nothing but the bundle is loaded before the clock stops. `performance.now()`
// counts from the start of the process, so `initMs` holds node's own start-up as well, which a
// hello-world handler pays too. The result goes out with a synchronous write so that exiting at
// once cannot lose it.
const CHILD_SCRIPT = `
const { performance } = require('node:perf_hooks');
const path = process.argv[1];
const start = performance.now();
const mod = require(path);
const initMs = performance.now();
const loadMs = initMs - start;
const { heapUsed, rss } = process.memoryUsage();
if (typeof mod.handler !== 'function') throw new Error(path + ' does not export a handler function');
require('node:fs').writeSync(1, JSON.stringify({ loadMs, initMs, heapUsed, rss }) + '\\n');
process.exit(0);
`;

// What a Lambda has in its environment; fake credentials because loading touches no network.
const CHILD_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  LOG_LEVEL: 'silent',
};

const MB = 1024 * 1024;

/**
 * Loads one bundle in a fresh Node process and reports how long `require` took and the memory
 * after it. `layerPaths` are on NODE_PATH, as Lambda puts /opt/nodejs/node_modules there: the
 * layers a bundle requires load in the measured time, as they do in a cold start.
 */
export function measureOnce(bundlePath: string, layerPaths: readonly string[] = []): Promise<ColdStartSample> {
  return new Promise((resolve, reject) => {
    const env = layerPaths.length ? { ...CHILD_ENV, NODE_PATH: layerPaths.join(delimiter) } : CHILD_ENV;
    const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, bundlePath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || last === '') {
        reject(new ColdStartError(`loading ${bundlePath} failed (exit ${code}): ${stderr.trim() || stdout.trim()}`));
        return;
      }
      const { loadMs, initMs, heapUsed, rss } = JSON.parse(last) as { loadMs: number; initMs: number; heapUsed: number; rss: number };
      resolve({ loadMs, initMs, heapUsedMb: heapUsed / MB, rssMb: rss / MB });
    });
  });
}

function summarizeSamples(name: string, samples: readonly ColdStartSample[]): ColdStart {
  return {
    name,
    loadMs: summarize(samples.map((s) => s.loadMs)),
    initMs: summarize(samples.map((s) => s.initMs)),
    heapUsedMb: summarize(samples.map((s) => s.heapUsedMb)),
    rssMb: summarize(samples.map((s) => s.rssMb)),
  };
}

/** Median and minimum over `runs` cold starts, one after another so they do not compete for CPU. */
export async function measureColdStart(bundle: Bundle, runs: number, layerPaths: readonly string[] = []): Promise<ColdStart> {
  const samples: ColdStartSample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await measureOnce(bundle.path, layerPaths));
  return summarizeSamples(bundle.name, samples);
}

/** The name the baseline goes by in tables. */
export const BASELINE_NAME = 'hello-world (baseline)';

/**
 * A handler that does nothing, staged like the others: what node and Lambda's loading cost
 * before any of our code. Every ratio is to this, measured in the same run.
 */
export function writeBaselineBundle(dir: string): Bundle {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'hello-world.js');
  writeFileSync(path, "exports.handler = async () => ({ statusCode: 200, body: 'hello' });\n");
  return { service: 'baseline', handler: 'hello-world', name: BASELINE_NAME, path };
}

export interface ColdStartRun {
  baseline: ColdStart;
  /**
   * The SDK floor, when measured: a bundle of nothing but the DynamoDB document client (see
   * `buildFloorBundle`). What a handler costs above it is the shop's own doing.
   */
  floor?: ColdStart;
  results: ColdStart[];
}

/**
 * Every bundle `runs` times, in rounds: each round loads every bundle once, with the baseline
 * loaded again before every `baselineEvery` bundles. So the load of a busy machine, which comes
 * and goes over minutes, falls on the baseline and the handlers alike, and their ratio holds
 * where the absolute times do not.
 */
export async function measureInterleaved(
  bundles: readonly Bundle[],
  baselineBundle: Bundle,
  options: { runs: number; layerPaths?: readonly string[]; baselineEvery?: number; floor?: Bundle; onRound?: (round: number) => void },
): Promise<ColdStartRun> {
  const { runs, layerPaths = [], baselineEvery = 8, floor } = options;
  const baselineSamples: ColdStartSample[] = [];
  const floorSamples: ColdStartSample[] = [];
  const measureReferences = async () => {
    baselineSamples.push(await measureOnce(baselineBundle.path, layerPaths));
    if (floor) floorSamples.push(await measureOnce(floor.path, layerPaths));
  };
  const samples = new Map<string, ColdStartSample[]>(bundles.map((b) => [b.name, []]));
  for (let round = 0; round < runs; round++) {
    for (const [i, bundle] of bundles.entries()) {
      if (i % baselineEvery === 0) await measureReferences();
      samples.get(bundle.name)?.push(await measureOnce(bundle.path, layerPaths));
    }
    options.onRound?.(round + 1);
  }
  if (baselineSamples.length === 0) {
    for (let round = 0; round < runs; round++) await measureReferences();
  }
  return {
    baseline: summarizeSamples(baselineBundle.name, baselineSamples),
    ...(floor ? { floor: summarizeSamples(floor.name, floorSamples) } : {}),
    results: bundles.map((b) => summarizeSamples(b.name, samples.get(b.name) ?? [])),
  };
}

/** A handler's cold start as a multiple of the baseline's, both medians of the same run. */
export function initRatio(result: ColdStart, baseline: ColdStart): number {
  return result.initMs.median / baseline.initMs.median;
}

export interface RatioSummary {
  /** The typical handler's cold start as a multiple of hello-world's. */
  median: number;
  /** The worst one's. */
  slowest: { name: string; ratio: number };
  /** When the run measured the SDK floor: the floor as a multiple of hello-world's, and the two handler figures as multiples of the floor's. */
  floor?: { ratio: number; median: number; slowest: number };
}

/** The typical handler's ratio and the worst one's, to hello-world and, when measured, to the SDK floor. */
export function ratioSummary(run: ColdStartRun): RatioSummary {
  const ratios = run.results.map((r) => ({ name: r.name, ratio: initRatio(r, run.baseline) }));
  if (ratios.length === 0) throw new RangeError('no handlers measured');
  const slowest = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const summary: RatioSummary = { median: median(ratios.map((r) => r.ratio)), slowest };
  if (run.floor) {
    const floorRatio = initRatio(run.floor, run.baseline);
    summary.floor = { ratio: floorRatio, median: summary.median / floorRatio, slowest: slowest.ratio / floorRatio };
  }
  return summary;
}
