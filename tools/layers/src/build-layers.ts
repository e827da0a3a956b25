import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LAYER_PACKAGES, layerDir, type LayerName, LAYERS } from '@shop/platform';
import { build, type Metafile } from 'esbuild';

/**
 * Builds each layer of `LAYERS` into `dist/layers/<layer>/nodejs/node_modules/<package>/`: one
 * minified CommonJS bundle of the lib with its third-party code (aws-jwt-verify, in auth-layer),
 * and a package.json so Node resolves it by name. The other layers' packages stay external, so that
 * auth-layer's `require('@shop/common')` finds the one copy in common-utils, as in the functions.
 */

export interface BuiltLayer {
  name: LayerName;
  package: string;
  /** Absolute path of the bundle. */
  bundle: string;
  bytes: number;
  /** Packages the bundle requires at run time (the other layers'). */
  external: string[];
}

/** Builds from the libs of `repoRoot` into `outRoot` (by default the workspace's own `dist/layers`). */
export async function buildLayers(repoRoot: string, outRoot: string = repoRoot): Promise<BuiltLayer[]> {
  const built: BuiltLayer[] = [];
  for (const [name, layer] of Object.entries(LAYERS) as [LayerName, (typeof LAYERS)[LayerName]][]) {
    const manifestPath = require.resolve(`${layer.package}/package.json`, { paths: [repoRoot] });
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string; main: string };
    const packageDir = join(outRoot, layerDir(name), 'nodejs', 'node_modules', layer.package);
    rmSync(join(outRoot, layerDir(name)), { recursive: true, force: true });
    mkdirSync(packageDir, { recursive: true });

    const bundle = join(packageDir, 'index.js');
    const external = LAYER_PACKAGES.filter((p) => p !== layer.package);
    const result = await build({
      entryPoints: [join(dirname(manifestPath), manifest.main)],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      minify: true,
      // ES modules first, so that the AWS SDK tree-shakes (decision 10).
      mainFields: ['module', 'main'],
      legalComments: 'none',
      external,
      metafile: true,
      logLevel: 'warning',
    });
    writeFileSync(join(packageDir, 'package.json'), `${JSON.stringify({ name: layer.package, version: manifest.version, main: 'index.js' }, null, 2)}\n`);
    writeFileSync(join(outRoot, layerDir(name), 'meta.json'), JSON.stringify(result.metafile));
    built.push({ name, package: layer.package, bundle, bytes: bundleBytes(result.metafile, bundle), external: requiredExternals(result.metafile, external) });
  }
  return built;
}

function bundleBytes(metafile: Metafile, bundle: string): number {
  const output = Object.entries(metafile.outputs).find(([file]) => bundle.endsWith(file.replace(/^(\.\.\/)+/, '')));
  return output?.[1].bytes ?? 0;
}

/** The external packages the bundle really imports, from esbuild's metafile. */
export function requiredExternals(metafile: Metafile, candidates: readonly string[]): string[] {
  const imported = new Set(
    Object.values(metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path)),
  );
  return candidates.filter((p) => imported.has(p));
}
