import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findRepoRoot, loadServices } from '@shop/platform';
import { synthesize } from './support/synthesize';
import { writeSyntheticWorkspace } from './support/synthetic-services';

/**
 * Synthesizes the app once for the whole test run, twice over: from the repository's
 * manifests and built bundles, and from the made-up services of every kind
 * (test/support/synthetic-services.ts). Test files read the JSON from the folders provided here.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const repoRoot = findRepoRoot(__dirname);
  const real = synthesize(await loadServices(repoRoot), repoRoot, undefined, 'shop-infra-real-');
  const workspace = mkdtempSync(join(tmpdir(), 'shop-infra-workspace-'));
  const synthetic = synthesize(writeSyntheticWorkspace(workspace), workspace, undefined, 'shop-infra-synthetic-');
  project.provide('synthesized', { real: real.outdir, synthetic: synthetic.outdir, syntheticWorkspace: workspace });
  return () => {
    for (const dir of [real.outdir, synthetic.outdir, workspace]) rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    synthesized: { real: string; synthetic: string; syntheticWorkspace: string };
  }
}
