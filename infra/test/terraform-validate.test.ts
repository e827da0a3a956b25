import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'cdktf';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootstrapConfig } from '../src/bootstrap/bootstrap-config';
import { BootstrapStack } from '../src/bootstrap/bootstrap-stack';
import { mockProviderTest } from './support/terraform-mocks';

/**
 * Terraform itself over every synthesized stack (the repository's, the made-up services' and
 * the bootstrap): `terraform validate`, then `terraform test`, which plans and applies every
 * stack against a mocked AWS provider (test/support/terraform-mocks.ts) — the provider's own
 * checks of every value (ARNs, names, enums) run, and nothing reaches AWS. It needs the
 * `terraform` binary and a local mirror of the AWS provider (there is no registry to download
 * from); where either is missing the tests say so and why, and pass.
 *
 * The stacks are copied into one temporary root that calls each as a module, so the 700 MB
 * provider is installed once and starts once per command instead of once per stack (about 3 s
 * each on two cores). A mocked provider replaces the root's provider configuration only, so each
 * copy leaves out its `provider` block (the root configures the same provider for all of them)
 * and its backend (ignored in a child module anyway), and nothing is kept from `terraform test`'s
 * final destroy (prevent_destroy).
 */

const run = promisify(execFile);
const MIRROR = process.env['SHOP_TF_PROVIDER_MIRROR'] ?? '/opt/tf-plugins';
const PROVIDER = 'registry.terraform.io/hashicorp/aws';

function findTerraform(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'terraform');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const terraform = findTerraform();
const skipReason = !terraform
  ? 'no terraform binary on PATH'
  : !existsSync(join(MIRROR, PROVIDER))
    ? `no local mirror of ${PROVIDER} under ${MIRROR} (set SHOP_TF_PROVIDER_MIRROR to one)`
    : undefined;
if (skipReason) process.stdout.write(`terraform validate and terraform test of the synthesized stacks SKIPPED: ${skipReason}\n`);

const workDir = mkdtempSync(join(tmpdir(), 'shop-infra-terraform-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A CLI config that installs the AWS provider from the mirror and nothing from the network. */
function cliConfig(): string {
  const file = join(workDir, 'terraform.rc');
  const provider = JSON.stringify(PROVIDER);
  writeFileSync(
    file,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(MIRROR)}\n    include = [${provider}]\n  }\n  direct {\n    exclude = [${provider}]\n  }\n}\n`,
  );
  return file;
}

interface StackJson {
  provider?: { aws?: Record<string, unknown>[] };
  terraform: { backend?: unknown; required_providers?: Record<string, unknown> };
  [key: string]: unknown;
}

/**
 * A root module calling every stack of `outdirs` as a module named `<set>_<stack>`, each without
 * its provider block and backend, and the root's provider configured as the stacks' are. Asset
 * paths in a stack are relative to where Terraform runs, so each stack's `assets/` is merged
 * into the root's (their paths hold content hashes: equal paths are equal files).
 */
function combinedRoot(outdirs: Record<string, string>): { root: string; modules: Record<string, StackJson> } {
  const root = join(workDir, 'all');
  const modules: Record<string, StackJson> = {};
  let provider: Record<string, unknown> | undefined;
  for (const [set, outdir] of Object.entries(outdirs)) {
    for (const stack of readdirSync(join(outdir, 'stacks'))) {
      const name = `${set}_${stack}`;
      cpSync(join(outdir, 'stacks', stack), join(root, name), { recursive: true });
      if (existsSync(join(root, name, 'assets'))) cpSync(join(root, name, 'assets'), join(root, 'assets'), { recursive: true });
      const file = join(root, name, 'cdk.tf.json');
      const json = JSON.parse(readFileSync(file, 'utf8')) as StackJson;
      provider ??= json.provider?.aws?.[0];
      delete json.provider;
      delete json.terraform.backend;
      // `terraform test` destroys what it applied when it ends, which prevent_destroy (on the
      // state bucket) refuses: against mocks there is nothing to keep.
      for (const blocks of Object.values((json['resource'] ?? {}) as Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>>)) {
        for (const block of Object.values(blocks)) delete block.lifecycle?.prevent_destroy;
      }
      // Indented, so that an error's source line is the attribute, not the whole stack.
      writeFileSync(file, JSON.stringify(json, null, 1));
      modules[name] = json;
    }
  }
  writeFileSync(
    join(root, 'main.tf.json'),
    JSON.stringify(
      {
        terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } },
        provider: { aws: [provider ?? { region: 'us-east-1' }] },
        module: Object.fromEntries(Object.keys(modules).map((name) => [name, { source: `./${name}` }])),
      },
      null,
      1,
    ),
  );
  return { root, modules };
}

interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  range?: { filename: string };
}

describe.skipIf(skipReason !== undefined)('terraform', () => {
  let root: string;
  let modules: Record<string, StackJson>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const { real, synthetic } = inject('synthesized');
    const bootstrap = join(workDir, 'bootstrap');
    const app = new App({ outdir: bootstrap, stackTraces: false });
    new BootstrapStack(app, bootstrapConfig({ SHOP_GITHUB_REPOSITORY: 'acme/shop', AWS_REGION: 'us-east-1', SHOP_TF_STATE_BUCKET: 'acme-shop-terraform-state' }));
    app.synth();
    ({ root, modules } = combinedRoot({ real, synthetic, bootstrap }));
    env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig(), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
    delete env['TF_PLUGIN_CACHE_DIR'];
    await run(terraform!, ['init', '-backend=false', '-input=false', '-no-color'], { cwd: root, env });
  });

  it('validates every synthesized stack', async () => {
    expect(Object.keys(modules).length).toBeGreaterThan(5);
    // An invalid configuration exits non-zero, with the JSON on stdout all the same.
    const { stdout } = await run(terraform!, ['validate', '-json', '-no-color'], { cwd: root, env }).catch((error: { stdout?: string }) => ({
      stdout: error.stdout ?? '{}',
    }));
    const result = JSON.parse(stdout) as { valid: boolean; diagnostics: Diagnostic[] };
    const problems = result.diagnostics.map((d) => `${d.severity} in ${d.range?.filename ?? '?'}: ${d.summary}${d.detail ? ` (${d.detail})` : ''}`);
    expect(problems).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('plans and applies every stack against a mocked AWS provider', async () => {
    writeFileSync(join(root, 'mocked.tftest.hcl'), mockProviderTest(modules));
    const { stdout } = await run(terraform!, ['test', '-no-color'], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ''}\n${error.stderr ?? ''}` }),
    );
    // On failure, Terraform's own account of what failed is the message.
    expect(stdout, stdout.slice(-8000)).toMatch(/Success! 2 passed, 0 failed\./);
  });
});
