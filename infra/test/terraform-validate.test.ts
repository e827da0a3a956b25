import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';

/**
 * `terraform init -backend=false` and `terraform validate` over every synthesized stack (the
 * repository's and the made-up services'). It needs the `terraform` binary and a local mirror of
 * the AWS provider (there is no registry to download from); where either is missing the test
 * says so and why, and passes.
 *
 * The stacks are copied unchanged into one temporary root that calls each as a module, so the
 * 700 MB provider starts and answers its schema once instead of once per stack (about 3 s each
 * on two cores). Validation is per module either way; the only difference Terraform sees is
 * the warning that a child module's backend is ignored, which `-backend=false` ignores anyway.
 */

const run = promisify(execFile);
const MIRROR = process.env['SHOP_TF_PROVIDER_MIRROR'] ?? '/opt/tf-plugins';
const PROVIDER = 'registry.terraform.io/hashicorp/aws';
/** What Terraform says of a root module called as a child module, as here. */
const CHILD_BACKEND_WARNING = 'Backend configuration ignored';

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
if (skipReason) process.stdout.write(`terraform validate of the synthesized stacks SKIPPED: ${skipReason}\n`);

const workDir = mkdtempSync(join(tmpdir(), 'shop-infra-validate-'));
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

/**
 * A root module calling every stack of `outdirs` as a module named `<set>_<stack>`. Asset paths
 * in a stack are relative to where Terraform runs, so each stack's `assets/` is merged into the
 * root's (their paths hold content hashes: equal paths are equal files).
 */
function combinedRoot(outdirs: Record<string, string>): { root: string; modules: string[] } {
  const root = join(workDir, 'all');
  const modules: Record<string, { source: string }> = {};
  for (const [set, outdir] of Object.entries(outdirs)) {
    for (const stack of readdirSync(join(outdir, 'stacks'))) {
      const name = `${set}_${stack}`;
      cpSync(join(outdir, 'stacks', stack), join(root, name), { recursive: true });
      if (existsSync(join(root, name, 'assets'))) cpSync(join(root, name, 'assets'), join(root, 'assets'), { recursive: true });
      modules[name] = { source: `./${name}` };
    }
  }
  writeFileSync(join(root, 'main.tf.json'), JSON.stringify({ module: modules }, null, 2));
  return { root, modules: Object.keys(modules) };
}

interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  range?: { filename: string };
}

describe.skipIf(skipReason !== undefined)('terraform validate', () => {
  it('accepts every synthesized stack', async () => {
    const { real, synthetic } = inject('synthesized');
    const { root, modules } = combinedRoot({ real, synthetic });
    expect(modules.length).toBeGreaterThan(2);
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig(), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
    delete env['TF_PLUGIN_CACHE_DIR'];

    await run(terraform!, ['init', '-backend=false', '-input=false', '-no-color'], { cwd: root, env });
    // An invalid configuration exits non-zero, with the JSON on stdout all the same.
    const { stdout } = await run(terraform!, ['validate', '-json', '-no-color'], { cwd: root, env }).catch((error: { stdout?: string }) => ({
      stdout: error.stdout ?? '{}',
    }));
    const result = JSON.parse(stdout) as { valid: boolean; diagnostics: Diagnostic[] };
    const problems = result.diagnostics
      .filter((d) => !(d.severity === 'warning' && d.summary === CHILD_BACKEND_WARNING))
      .map((d) => `${d.severity} in ${d.range?.filename ?? '?'}: ${d.summary}${d.detail ? ` (${d.detail})` : ''}`);
    expect(problems).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
