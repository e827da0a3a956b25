import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findRepoRoot } from '@shop/platform';
import { App } from 'cdktf';
import { bootstrapConfig } from './bootstrap-config';
import { BootstrapStack } from './bootstrap-stack';

// `npx nx run infra:bootstrap-synth`: writes infra/bootstrap.out/stacks/bootstrap/cdk.tf.json, which
// a person with administrator rights applies once per account (docs/deploying.md, step 1).
function main(): void {
  const repoRoot = findRepoRoot(__dirname);
  const outdir = join(repoRoot, 'infra', 'bootstrap.out');
  const config = bootstrapConfig();
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir, stackTraces: false });
  new BootstrapStack(app, config);
  app.synth();
  process.stdout.write(
    `synthesized the bootstrap stack for ${config.repository} in ${config.region} into ${relative(repoRoot, outdir)}/stacks/bootstrap\n` +
      `apply it once with administrator credentials: terraform -chdir=${relative(repoRoot, outdir)}/stacks/bootstrap init && terraform -chdir=${relative(repoRoot, outdir)}/stacks/bootstrap apply\n`,
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`infra:bootstrap-synth: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
