import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServiceManifest } from './manifest';

/**
 * The workspace's services: every project under `apps/` tagged `type:service`, with the manifest
 * its `src/service.ts` exports. Read at run time, not imported (docs/decisions.md #12): a static
 * import would make every reader (the local cloud, infra, the docs, the deploy plan) depend on
 * every service, so that a change to one service would mark them all affected; and a new service
 * needs no change to any of them. For tools that run under tsx or vitest, never in a Lambda.
 */

const SERVICE_TAG = 'type:service';

/** A service's manifest and its directory, which files the manifest names (state machine definitions) are relative to. */
export interface LoadedService {
  manifest: ServiceManifest;
  root: string;
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

/** Every service's manifest with its directory, in name order. */
export async function loadServices(repoRoot: string = findRepoRoot()): Promise<LoadedService[]> {
  return Promise.all(serviceRoots(repoRoot).map(async (root) => ({ manifest: await loadManifest(join(root, 'src', 'service.ts')), root })));
}

/** Every service's manifest, in name order. */
export async function loadManifests(repoRoot: string = findRepoRoot()): Promise<ServiceManifest[]> {
  return (await loadServices(repoRoot)).map((s) => s.manifest);
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
