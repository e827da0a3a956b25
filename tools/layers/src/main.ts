import { join, relative } from 'node:path';
import { buildLayers } from './build-layers';

// `nx build layers` (and `npm start`, which builds it): tools/layers/src → the workspace root.
const workspaceRoot = join(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  for (const layer of await buildLayers(workspaceRoot)) {
    const uses = layer.external.length ? ` (requires ${layer.external.join(', ')} from its layer)` : '';
    console.log(`${layer.name}: ${layer.package} → ${relative(workspaceRoot, layer.bundle)}, ${(layer.bytes / 1024).toFixed(0)} KB${uses}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
