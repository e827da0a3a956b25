import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatLayerTable, formatTable, measureBundles, measureLayers } from './measure';

// Run from the repository root by `npm run bundle-size`, after the services are built.
const distApps = join(process.cwd(), 'dist', 'apps');
if (!existsSync(distApps)) {
  console.error('No bundles in dist/apps: build first with `npx nx run-many -t build`.');
  process.exit(1);
}
console.log(formatTable(measureBundles(distApps)));
console.log();
// A function's cold start loads its bundle and the layers it requires (see `nx build layers`).
console.log(formatLayerTable(measureLayers(join(process.cwd(), 'dist', 'layers'))));
