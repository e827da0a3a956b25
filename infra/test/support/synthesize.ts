import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shopApp } from '../../src/app/shop-app';
import { type StageConfig, stageConfig } from '../../src/config/stage-config';
import type { LoadedService } from '@shop/platform';
import { readStacks, type TerraformJson } from './terraform-json';

/** The stage the tests synthesize, whatever the shell running them says. */
export function testConfig(env: NodeJS.ProcessEnv = {}): StageConfig {
  return stageConfig({ SHOP_STAGE: 'dev', AWS_REGION: 'us-east-1', ...env });
}

export interface Synthesized {
  outdir: string;
  stacks: Record<string, TerraformJson>;
}

/** Synthesizes the app for `services` into a new temporary directory (`prefix`), as infra:synth does. */
export function synthesize(services: readonly LoadedService[], buildRoot: string, config: StageConfig = testConfig(), prefix = 'shop-infra-'): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), prefix));
  shopApp({ config, services, buildRoot, outdir }).synth();
  return { outdir, stacks: readStacks(outdir) };
}

export function removeSynthesized(synthesized: { outdir: string } | undefined): void {
  if (synthesized) rmSync(synthesized.outdir, { recursive: true, force: true });
}
