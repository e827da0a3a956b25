import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import type { Bundle } from '@shop/bundle-size';
import { summarize, type Summary } from './stats';

export { type Bundle, findBundles } from '@shop/bundle-size';

export interface ColdStartSample {
  loadMs: number;
  heapUsedMb: number;
  rssMb: number;
}

export interface ColdStart {
  name: string;
  loadMs: Summary;
  heapUsedMb: Summary;
  rssMb: Summary;
}

export class ColdStartError extends Error {
  override name = 'ColdStartError';
}

// Runs in the child: nothing but the bundle is loaded before the clock starts. The result
// goes out with a synchronous write so that exiting at once cannot lose it.
const CHILD_SCRIPT = `
const { performance } = require('node:perf_hooks');
const path = process.argv[1];
const start = performance.now();
const mod = require(path);
const loadMs = performance.now() - start;
const { heapUsed, rss } = process.memoryUsage();
if (typeof mod.handler !== 'function') throw new Error(path + ' does not export a handler function');
require('node:fs').writeSync(1, JSON.stringify({ loadMs, heapUsed, rss }) + '\\n');
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
      const { loadMs, heapUsed, rss } = JSON.parse(last) as { loadMs: number; heapUsed: number; rss: number };
      resolve({ loadMs, heapUsedMb: heapUsed / MB, rssMb: rss / MB });
    });
  });
}

/** Median and minimum over `runs` cold starts, one after another so they do not compete for CPU. */
export async function measureColdStart(bundle: Bundle, runs: number, layerPaths: readonly string[] = []): Promise<ColdStart> {
  const samples: ColdStartSample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await measureOnce(bundle.path, layerPaths));
  return {
    name: bundle.name,
    loadMs: summarize(samples.map((s) => s.loadMs)),
    heapUsedMb: summarize(samples.map((s) => s.heapUsedMb)),
    rssMb: summarize(samples.map((s) => s.rssMb)),
  };
}
