import { existsSync } from 'node:fs';
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

const distApps = join(process.cwd(), 'dist', 'apps');
if (!existsSync(distApps)) {
  console.error('No bundles in dist/apps: build first with `npx nx run-many -t build`.');
  process.exit(1);
}

async function main(): Promise<void> {
  const bundles = findBundles(distApps);
  console.error(`Loading ${bundles.length} handlers ${runs} times each, each in a fresh node process...`);
  const results = [];
  for (const bundle of bundles) results.push(await measureColdStart(bundle, runs));
  console.log(formatTable(results));
  console.log();
  console.log(formatSummary(results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
