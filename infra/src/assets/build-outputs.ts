import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type BundleMetafile, layerDir, type LayerName, LAYERS, layersRequiredBy } from '@shop/platform';
import { directoryEntries, zipArchive } from './zip-archive';

/**
 * What the builds left in `dist/` and what Terraform deploys from it, zipped into the staging
 * folder: each function's zip holds its bundle as `index.js` (handler `index.handler`); each
 * layer's zip holds its `nodejs/` folder, which Lambda mounts as `/opt/nodejs`. The zips are
 * deterministic (zip-archive.ts), so a plan shows a code change only when there is one.
 */

export class MissingBuildError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(
      `${missing.length} build output(s) are missing:\n${missing.map((m) => `  ${m}`).join('\n')}\n` +
        'run `npx nx run-many -t build --projects=tag:type:service,layers` first (infra:synth does it for you)',
    );
    this.name = 'MissingBuildError';
  }
}

export class BuildOutputs {
  private readonly metafiles = new Map<string, BundleMetafile>();

  /**
   * @param buildRoot the directory holding `dist/` (the workspace root)
   * @param stagingDir where the zips are written, wiped first
   */
  constructor(
    readonly buildRoot: string,
    readonly stagingDir: string,
  ) {
    rmSync(stagingDir, { recursive: true, force: true });
  }

  /** `dist/apps/<service>/<function>.js`, relative to the build root, as the metafile names it. */
  static bundle(service: string, functionName: string): string {
    return `dist/apps/${service}/${functionName}.js`;
  }

  /** Fails naming every bundle, metafile and layer that is not built. */
  assertBuilt(functions: readonly { service: string; functionName: string }[]): void {
    const expected = [
      ...new Set(functions.map((f) => `dist/apps/${f.service}/meta.json`)),
      ...functions.map((f) => BuildOutputs.bundle(f.service, f.functionName)),
      ...(Object.keys(LAYERS) as LayerName[]).map((layer) => `${layerDir(layer)}/nodejs`),
    ];
    const missing = expected.filter((file) => !existsSync(join(this.buildRoot, file)));
    if (missing.length > 0) throw new MissingBuildError(missing);
  }

  /** The layers a function's bundle requires, from its service's esbuild metafile. */
  layersOf(service: string, functionName: string): LayerName[] {
    let metafile = this.metafiles.get(service);
    if (!metafile) {
      metafile = JSON.parse(readFileSync(join(this.buildRoot, 'dist', 'apps', service, 'meta.json'), 'utf8')) as BundleMetafile;
      this.metafiles.set(service, metafile);
    }
    return layersRequiredBy(metafile, BuildOutputs.bundle(service, functionName));
  }

  /** A zip holding only the function's bundle, as `index.js`. */
  functionZip(service: string, functionName: string): string {
    const zip = join(this.stagingDir, 'functions', service, `${functionName}.zip`);
    const bundle = readFileSync(join(this.buildRoot, BuildOutputs.bundle(service, functionName)));
    return write(zip, zipArchive([{ path: 'index.js', data: bundle }]));
  }

  /** Where the storefront's build lies (`dist/web/storefront`, apps/storefront's Vite build), when it was built. */
  storefrontDir(): string | undefined {
    const dir = join(this.buildRoot, 'dist', 'web', 'storefront');
    return existsSync(dir) ? dir : undefined;
  }

  /** Writes a zip infra made itself (`name`.zip under the staging folder) and answers its path. */
  stagedZip(name: string, content: Buffer): string {
    return write(join(this.stagingDir, `${name}.zip`), content);
  }

  /** A zip holding only the layer's `nodejs/` folder. */
  layerZip(layer: LayerName): string {
    const zip = join(this.stagingDir, 'layers', `${layer}.zip`);
    return write(zip, zipArchive([{ path: 'nodejs/' }, ...directoryEntries(join(this.buildRoot, layerDir(layer), 'nodejs'), 'nodejs/')]));
  }
}

function write(file: string, content: Buffer): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}
