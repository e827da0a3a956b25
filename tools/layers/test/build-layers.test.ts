import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { LAYER_PACKAGES, layerDir, type LayerName, LAYERS } from '@shop/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayers, type BuiltLayer } from '../src';

const workspaceRoot = join(__dirname, '..', '..', '..');

describe('the Lambda layers', () => {
  let built: BuiltLayer[];
  let opt: string;

  beforeAll(async () => {
    // Built away from the repository, as Lambda mounts layers under /opt: nothing else to resolve from.
    opt = mkdtempSync(join(tmpdir(), 'layers-opt-'));
    built = await buildLayers(workspaceRoot, opt);
  }, 120_000);
  afterAll(() => rmSync(opt, { recursive: true, force: true }));

  const loadInFreshNode = (layers: LayerName[], script: string): string =>
    execFileSync(process.execPath, ['-e', script], {
      cwd: opt,
      env: { PATH: process.env['PATH'], NODE_PATH: layers.map((l) => join(opt, layerDir(l), 'nodejs', 'node_modules')).join(delimiter) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();

  it('builds one bundle per layer, each requiring only the layers it declares', () => {
    expect(built.map((b) => b.name)).toEqual(Object.keys(LAYERS));
    for (const layer of built) {
      const declared = LAYERS[layer.name].requires.map((r: LayerName) => LAYERS[r].package);
      expect(layer.external, layer.name).toEqual(declared);
      expect(layer.bytes).toBeGreaterThan(0);
    }
  });

  it('serves @shop/common from common-utils alone, without any of the AWS SDK, which functions bundle themselves', () => {
    const out = loadInFreshNode(['common-utils'], `const c = require('@shop/common'); console.log([typeof c.httpHandler, typeof c.invokeHandler, typeof c.logger.info].join(','))`);
    expect(out).toBe('function,function,function');
    const metafile = JSON.parse(readFileSync(join(opt, layerDir('common-utils'), 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    expect(Object.keys(metafile.inputs).filter((input) => /node_modules\/(@aws-sdk|@smithy)\//.test(input))).toEqual([]);
  });

  it("takes from the platform model only what a running function reads: the manifest's types and the naming conventions", () => {
    const metafile = JSON.parse(readFileSync(join(opt, layerDir('common-utils'), 'meta.json'), 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
    };
    // What the bundle holds (esbuild also lists the files it read and then shook out, with 0 bytes).
    const fromPlatform = Object.values(metafile.outputs)
      .flatMap((output) => Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path))
      .filter((input) => input.includes('libs/platform/'))
      .map((input) => input.replace(/^.*libs\/platform\//, ''));
    // The build-time readers (environment derivation, manifest checks, layers, state machine
    // rendering, loading manifests from disk) never reach a Lambda.
    const runTime = ['src/conventions.ts', 'src/manifest.ts'];
    expect(fromPlatform).toContain('src/manifest.ts');
    expect(fromPlatform.filter((file) => !runTime.includes(file))).toEqual([]);
    const out = loadInFreshNode(['common-utils'], `const c = require('@shop/common'); console.log(['manifestProblems', 'loadServices', 'LAYERS'].filter((n) => n in c).join(','))`);
    expect(out).toBe('');
  });

  it('serves @shop/auth from auth-layer, with @shop/common from common-utils', () => {
    const script = `const a = require('@shop/auth'); console.log(typeof a.createTokenVerifier)`;
    expect(loadInFreshNode(['auth-layer', 'common-utils'], script)).toBe('function');
    expect(() => loadInFreshNode(['auth-layer'], script)).toThrow(/Cannot find module '@shop\/common'/);
  });

  it('is what every service build leaves external', () => {
    for (const service of readdirSync(join(workspaceRoot, 'apps'))) {
      const project = JSON.parse(readFileSync(join(workspaceRoot, 'apps', service, 'project.json'), 'utf8')) as {
        tags?: string[];
        targets?: { build?: { options?: { external?: string[] } } };
      };
      const build = project.targets?.build;
      // Lambda functions only: the storefront (type:web) is a browser app and bundles what it uses.
      if (!build || !project.tags?.includes('type:service')) continue;
      expect([...(build.options?.external ?? [])].sort(), service).toEqual([...LAYER_PACKAGES].sort());
    }
  });
});
