import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type BundleMetafile, layerDir, type LayerName, LAYERS, layersRequiredBy, type ServiceManifest } from '@shop/platform';

/**
 * The functions the local cloud runs: every function of every service's manifest (read at run
 * time by `@shop/platform`, as infra reads them), with the esbuild bundle that deploys and the
 * layers that bundle requires.
 */

/** A function of a service, with the bundle that runs it. */
export interface FunctionBundle {
  service: ServiceManifest;
  functionName: string;
  /** Absolute path of `dist/apps/<service>/<function>.js`. */
  bundlePath: string;
  /** The layers the bundle requires, by the build's metafile; `layerPath` tells where each is built. */
  layers: LayerName[];
}

/** Where the build puts a function's bundle: `dist/apps/<service>/<function>.js`. */
export function bundlePath(repoRoot: string, service: string, functionName: string): string {
  return join(repoRoot, 'dist', 'apps', service, `${functionName}.js`);
}

/** The folder of a built layer that Lambda would mount as `/opt/nodejs/node_modules`. */
export function layerPath(repoRoot: string, layer: LayerName): string {
  return join(repoRoot, layerDir(layer), 'nodejs', 'node_modules');
}

/** Every function of every service with its bundle and the layers it requires; the services must be built. */
export function functionBundleList(repoRoot: string, services: readonly ServiceManifest[]): FunctionBundle[] {
  return services.flatMap((service) => {
    if (Object.keys(service.functions).length === 0) return []; // a state machine alone builds nothing
    const metafile = JSON.parse(readFileSync(join(repoRoot, 'dist', 'apps', service.name, 'meta.json'), 'utf8')) as BundleMetafile;
    return Object.keys(service.functions).map((functionName) => {
      const path = bundlePath(repoRoot, service.name, functionName);
      return { service, functionName, bundlePath: path, layers: layersRequiredBy(metafile, relative(repoRoot, path)) };
    });
  });
}

/** Bundles and layers that are not built yet, relative to the repository root; empty when all are there. */
export function missingBundles(repoRoot: string, services: readonly ServiceManifest[]): string[] {
  const files = [
    ...services.flatMap((service) => {
      const functions = Object.keys(service.functions);
      if (functions.length === 0) return [];
      return [join(repoRoot, 'dist', 'apps', service.name, 'meta.json'), ...functions.map((fn) => bundlePath(repoRoot, service.name, fn))];
    }),
    ...(Object.keys(LAYERS) as LayerName[]).map((layer) => layerPath(repoRoot, layer)),
  ];
  return files.filter((file) => !existsSync(file)).map((file) => relative(repoRoot, file));
}

/** Every function of every service with its bundle; fails, naming what is missing, when a bundle is not built. */
export function functionBundles(repoRoot: string, services: readonly ServiceManifest[]): FunctionBundle[] {
  const missing = missingBundles(repoRoot, services);
  if (missing.length > 0) {
    throw new Error(
      `${missing.length} function bundle(s) are not built:\n${missing.map((m) => `  ${m}`).join('\n')}\n` +
        'run `npx nx run-many -t build --projects=tag:type:service,layers` first',
    );
  }
  return functionBundleList(repoRoot, services);
}
