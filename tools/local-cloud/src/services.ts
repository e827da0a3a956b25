import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BundleMetafile, LAYERS, layerDir, type LayerName, layersRequiredBy, type ServiceManifest } from '@shop/common';

/**
 * The services the local cloud runs: every Nx project tagged `type:service` (the same
 * selector `npm start` builds with), its manifest read from the same `src/service.ts` that
 * infra deploys from, and the esbuild bundles that deploy.
 *
 * The manifests are loaded at run time rather than imported, on purpose: services' own
 * tests start the local cloud (through `@shop/testing`), so a static import would make
 * service → testing → local-cloud → service a cycle that TypeScript project references
 * and Nx both refuse. A new service needs no change here.
 */

const SERVICE_TAG = 'type:service';

/** A function of a service, with the bundle that runs it. */
export interface FunctionBundle {
  service: ServiceManifest;
  functionName: string;
  /** Absolute path of `dist/apps/<service>/<function>.js`. */
  bundlePath: string;
  /** The layers the bundle requires, by the build's metafile; `layerPath` tells where each is built. */
  layers: LayerName[];
}

/** The workspace root: the nearest directory above `from` that holds `nx.json`. */
export function findRepoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no nx.json above ${from}: is this the shop's repository?`);
  }
}

/** Directories (absolute) of the projects under `apps/` tagged `type:service`, in name order. */
export function serviceRoots(repoRoot: string = findRepoRoot()): string[] {
  const apps = join(repoRoot, 'apps');
  if (!existsSync(apps)) return [];
  return readdirSync(apps, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(apps, entry.name))
    .filter((dir) => {
      const projectFile = join(dir, 'project.json');
      if (!existsSync(projectFile)) return false;
      const project = JSON.parse(readFileSync(projectFile, 'utf8')) as { tags?: unknown };
      return Array.isArray(project.tags) && project.tags.includes(SERVICE_TAG);
    })
    .sort();
}

/** A service's manifest and its directory, which files the manifest names (state machine definitions) are relative to. */
export interface LoadedService {
  manifest: ServiceManifest;
  root: string;
}

/** The manifests of every service, read from each service's `src/service.ts`. */
export async function loadServices(repoRoot: string = findRepoRoot()): Promise<ServiceManifest[]> {
  return (await loadServicesWithRoots(repoRoot)).map((s) => s.manifest);
}

/** Every service's manifest with its directory. */
export async function loadServicesWithRoots(repoRoot: string = findRepoRoot()): Promise<LoadedService[]> {
  return Promise.all(
    serviceRoots(repoRoot).map(async (root) => ({ manifest: await loadManifest(join(root, 'src', 'service.ts')), root })),
  );
}

async function loadManifest(file: string): Promise<ServiceManifest> {
  // Runs under tsx or vitest, which both load TypeScript; a CommonJS module may arrive as `default`.
  const mod = (await import(pathToFileURL(file).href)) as { service?: unknown; default?: { service?: unknown } };
  const manifest = mod.service ?? mod.default?.service;
  if (!isManifest(manifest)) throw new Error(`${file} does not export a service manifest as \`service\``);
  return manifest;
}

function isManifest(value: unknown): value is ServiceManifest {
  const m = value as Partial<ServiceManifest> | undefined;
  return typeof m?.name === 'string' && typeof m.functions === 'object' && typeof m.tables === 'object';
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
