import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureBundles, measureLayers } from '@shop/bundle-size';
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
  type Verdict,
} from './budget';
import { findBundles, measureInterleaved, writeBaselineBundle, type ColdStartRun } from './cold-start';
import { formatSummary, formatTable } from './format';
import { buildFloorBundle } from './sdk-floor';
import { measureWarmOverhead } from './warm-overhead';

// Run from the repository root by `npm run bench [-- --runs N] [-- --warm] [-- --budget]`, after the
// services are built. `--budget` (nx run bench:budget, in CI) measures everything and fails when a
// figure is over its budget (docs/performance.md).
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    invocations: { type: 'string', default: '5000' },
    warm: { type: 'boolean', default: false },
    budget: { type: 'boolean', default: false },
  },
});
const runs = wholeNumber('--runs', values.runs);
const invocations = wholeNumber('--invocations', values.invocations);

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${flag} takes a whole number of at least 1, not ${value}`);
    process.exit(1);
  }
  return n;
}

const dist = join(process.cwd(), 'dist');

/**
 * The bundles and layers copied away from the repository, as Lambda unpacks them: the function
 * into /var/task, every layer merged into one /opt/nodejs/node_modules on NODE_PATH. Loaded from
 * dist/, `require('@shop/common')` would find the workspace's source.
 */
function stageLikeLambda(): { distApps: string; layerPaths: string[]; baselineDir: string; floorDir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'bench-lambda-'));
  cpSync(join(dist, 'apps'), join(root, 'task'), { recursive: true });
  const opt = join(root, 'opt', 'nodejs', 'node_modules');
  mkdirSync(opt, { recursive: true });
  for (const layer of readdirSync(join(dist, 'layers'))) {
    cpSync(join(dist, 'layers', layer, 'nodejs', 'node_modules'), opt, { recursive: true });
  }
  return {
    distApps: join(root, 'task'),
    layerPaths: [opt],
    baselineDir: join(root, 'baseline'),
    floorDir: join(root, 'floor'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

async function coldStarts(): Promise<ColdStartRun> {
  const staged = stageLikeLambda();
  try {
    const bundles = findBundles(staged.distApps);
    const baseline = writeBaselineBundle(staged.baselineDir);
    const floor = await buildFloorBundle(staged.floorDir);
    console.error(
      `Loading ${bundles.length} handlers, a hello-world baseline and the SDK floor ${runs} times each, in rounds, each in a fresh node process with the layers...`,
    );
    return await measureInterleaved(bundles, baseline, {
      runs,
      floor,
      layerPaths: staged.layerPaths,
      onRound: (round) => console.error(`  round ${round} of ${runs} done`),
    });
  } finally {
    staged.cleanup();
  }
}

async function main(): Promise<void> {
  const needsDist = !values.warm || values.budget;
  if (needsDist && (!existsSync(join(dist, 'apps')) || !existsSync(join(dist, 'layers')))) {
    console.error('No bundles or layers in dist/: build first with `npx nx run-many -t build --projects=tag:type:service,tag:type:layer`.');
    process.exit(1);
  }
  const verdicts: Verdict[] = [];
  if (!values.warm || values.budget) {
    let run = await coldStarts();
    console.log(formatTable(run));
    console.log();
    console.log(formatSummary(run));
    if (values.budget && judgeColdStart(run).some((v) => !v.ok)) {
      // A machine busy with something else for a minute can push one run over: a figure fails
      // only when a second run, straight after, confirms it.
      console.error('Over the cold-start budget; measuring again to confirm...');
      run = await coldStarts();
      console.log(formatSummary(run));
    }
    verdicts.push(...judgeColdStart(run));
    verdicts.push(...judgeBundleSizes(measureBundles(join(dist, 'apps')), measureLayers(join(dist, 'layers'))));
    verdicts.push(...judgeCredentialChain(bundlesWithCredentialChain(join(dist, 'apps'))));
    verdicts.push(...judgeZodClassic(bundlesWithZodClassic(join(dist, 'apps'))));
  }
  if (values.warm || values.budget) {
    console.error(`Invoking a wrapped handler and a bare one ${invocations} times each...`);
    const warm = await measureWarmOverhead(invocations);
    console.log();
    console.log(
      `warm overhead of the ${warm.route} wrapper over ${warm.invocations} invocations: ` +
        `p50 ${warm.overhead.p50.toFixed(3)} ms, p99 ${warm.overhead.p99.toFixed(3)} ms ` +
        `(wrapped p50 ${warm.wrapped.p50.toFixed(3)} ms, p99 ${warm.wrapped.p99.toFixed(3)} ms; bare p50 ${warm.bare.p50.toFixed(3)} ms)`,
    );
    verdicts.push(...judgeWarmOverhead(warm));
  }
  if (values.budget) {
    console.log();
    console.log(formatVerdicts(verdicts));
    if (verdicts.some((v) => !v.ok)) {
      console.error(
        `\nOver budget (docs/performance.md): cold start median ≤ ${BUDGET.medianColdStartRatio}×, slowest ≤ ${BUDGET.slowestColdStartRatio}× hello-world, ` +
          `median ≤ ${BUDGET.medianOverFloorRatio}×, slowest ≤ ${BUDGET.slowestOverFloorRatio}× the SDK floor; ` +
          `bundles ≤ 1 MiB; no default credential chain, no zod classic; warm overhead p50 ≤ ${BUDGET.warmOverheadP50Ms} ms.`,
      );
      process.exit(1);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
