import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { shopApp, synthNotes } from './app/shop-app';
import { stageConfig } from './config/stage-config';
import { findRepoRoot, loadServices } from '@shop/platform';

// `npx nx run infra:synth` (after the service and layer builds): writes
// infra/cdktf.out/stacks/<stack>/cdk.tf.json for the stage SHOP_STAGE names.
async function main(): Promise<void> {
  const started = Date.now();
  const repoRoot = findRepoRoot(__dirname);
  const outdir = join(repoRoot, 'infra', 'cdktf.out');
  const config = stageConfig();
  // Generated only: a stack whose service is gone must not linger to be deployed.
  rmSync(outdir, { recursive: true, force: true });
  const services = await loadServices(repoRoot);
  const app = shopApp({ config, services, buildRoot: repoRoot, outdir });
  app.synth();
  const stacks = app.node.children.map((c) => c.node.id);
  for (const note of synthNotes(app)) process.stdout.write(`${note}\n`);
  process.stdout.write(
    `synthesized ${stacks.length} stacks for stage ${config.stage} (${config.region}, ${config.backend} state) into ${relative(repoRoot, outdir)}/stacks ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s: ${stacks.join(', ')}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`infra:synth: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
