import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { measureOnce } from '../src/cold-start';
import { buildFloorBundle, LAMBDA_BUNDLE_CONFIG, lambdaBundleOptions, SERVICE_TARGET_OPTIONS } from '../src/sdk-floor';

const ROOT = join(__dirname, '..', '..', '..');

interface EsbuildTarget {
  executor: string;
  options: { platform: string; target: string; format: string[]; minify: boolean; esbuildConfig?: string; esbuildOptions?: unknown };
}

const buildOf = (app: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'apps', app, 'project.json'), 'utf8')) as { targets: { build?: EsbuildTarget } }).targets.build;

/** Every app whose functions esbuild bundles. */
const services = readdirSync(join(ROOT, 'apps')).filter((app) => buildOf(app)?.executor === '@nx/esbuild:esbuild');

describe('the SDK floor', () => {
  it('has services to compare with', () => {
    expect(services.length).toBeGreaterThanOrEqual(9);
  });

  it.each(services)('is bundled as %s bundles its handlers', (service) => {
    const { options } = buildOf(service)!;
    expect({ platform: options.platform, target: options.target, format: options.format[0], minify: options.minify }).toEqual(SERVICE_TARGET_OPTIONS);
    // The shared options (the SDK's ES modules, environment credentials, the schema-key plugin), and no others beside them.
    expect(options.esbuildConfig).toBe(LAMBDA_BUNDLE_CONFIG);
    expect(options.esbuildOptions).toBeUndefined();
  });

  it('shares the options that shape what a bundle loads', () => {
    const shared = lambdaBundleOptions(ROOT);
    expect(shared.mainFields).toEqual(['module', 'main']);
    expect(shared.alias).toEqual({ '@aws-sdk/credential-provider-node': join(ROOT, 'libs/aws/src/lambda-credentials.ts') });
    expect(shared.plugins?.map((p) => p.name)).toEqual(['inline-aws-sdk-schema-keys']);
  });

  it('loads as a handler with credentials from the environment only', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const floor = await buildFloorBundle(dir, ROOT);
    const code = readFileSync(floor.path, 'utf8');
    expect(code).toContain('DynamoDB_20120810');
    // The stand-in's message, not the SDK's default chain (SSO, INI, STS), which the services alias away.
    expect(code).toContain('No AWS credentials in the environment');
    expect(code).not.toMatch(/sso-oidc|SSOClient/);
    const sample = await measureOnce(floor.path);
    expect(sample.loadMs).toBeGreaterThan(0);
  });
});
