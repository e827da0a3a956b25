import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findBundles, measureColdStart } from './cold-start';
import { formatSummary, formatTable } from './format';

// Run from the repository root by `npm run bench [-- --runs N]`, after the services are built.
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs takes a whole number of at least 1, not ${values.runs}`);
  process.exit(1);
}

const dist = join(process.cwd(), 'dist');
if (!existsSync(join(dist, 'apps')) || !existsSync(join(dist, 'layers'))) {
  console.error('No bundles or layers in dist/: build first with `npx nx run-many -t build --projects=tag:type:service,tag:type:layer`.');
  process.exit(1);
}

/**
 * The bundles and layers copied away from the repository, as Lambda unpacks them into /var/task
 * and /opt: loaded from dist/, `require('@shop/common')` would find the workspace's source.
 */
function stageLikeLambda(): { distApps: string; layerPaths: string[]; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'bench-lambda-'));
  cpSync(join(dist, 'apps'), join(root, 'task'), { recursive: true });
  cpSync(join(dist, 'layers'), join(root, 'opt'), { recursive: true });
  const layerPaths = readdirSync(join(root, 'opt')).map((layer) => join(root, 'opt', layer, 'nodejs', 'node_modules'));
  return { distApps: join(root, 'task'), layerPaths, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  const staged = stageLikeLambda();
  const bundles = findBundles(staged.distApps);
  console.error(`Loading ${bundles.length} handlers ${runs} times each, each in a fresh node process with its layers...`);
  const results = [];
  try {
    for (const bundle of bundles) results.push(await measureColdStart(bundle, runs, staged.layerPaths));
  } finally {
    staged.cleanup();
  }
  console.log(formatTable(results));
  console.log();
  console.log(formatSummary(results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
