import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable, measureBundles } from './measure';

// Run from the repository root by `npm run bundle-size`, after the services are built.
const distApps = join(process.cwd(), 'dist', 'apps');
if (!existsSync(distApps)) {
  console.error('No bundles in dist/apps: build first with `npx nx run-many -t build`.');
  process.exit(1);
}
console.log(formatTable(measureBundles(distApps)));
