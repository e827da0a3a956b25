import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { type GeneratorCallback, generateFiles, getProjects, installPackagesTask, logger, readJson, type Tree, updateJson } from '@nx/devkit';
import type { ServiceGeneratorOptions } from './schema';
import {
  descriptionProblem,
  functionNamesIn,
  routePrefixesIn,
  type ServiceNames,
  serviceNameProblem,
  serviceNames,
  type TakenNames,
  tsString,
} from './service-names';

/**
 * Versions of the packages a generated service depends on: the ranges the existing services
 * declare (a test in this project holds them to apps/*), so that npm resolves one copy of each.
 */
export const DEPENDENCY_VERSIONS = {
  '@aws-sdk/lib-dynamodb': '^3.920.0',
  zod: '^4.1.12',
} as const;

/** The same ranges under names a template can use (EJS reads variables, not `@scope/name` keys). */
const DEPENDENCY_VERSIONS_FOR_TEMPLATES = {
  libDynamodbVersion: DEPENDENCY_VERSIONS['@aws-sdk/lib-dynamodb'],
  zodVersion: DEPENDENCY_VERSIONS.zod,
};

/** Until the service is given its own: the manifest, the README and the docs show it. */
export const DEFAULT_DESCRIPTION = 'Items that each belong to one user, who reads them by id.';

/** Where the services live, one directory each. */
const APPS = 'apps';

/** Options that cannot make a service; the message names the option, as the API's 400s name the field. */
export class ServiceGeneratorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceGeneratorError';
  }
}

/**
 * `nx g @shop/generators:service <name>`: a service that lints, typechecks, tests, builds, runs in
 * the local cloud and deploys with no other edit, because every reader of the manifests finds
 * services under apps/ at run time (libs/platform). Writes the project's files, its project
 * reference in the root tsconfig.json and its row in the README's table of projects; the
 * returned task runs `npm install` (a new workspace package must enter package-lock.json, or
 * `npm ci` fails) and `npm run docs` (the new route in docs/openapi.json, the API client and the
 * architecture diagram).
 */
export async function serviceGenerator(tree: Tree, options: ServiceGeneratorOptions): Promise<GeneratorCallback> {
  const names = validated(tree, options);
  const description = options.description?.trim() || DEFAULT_DESCRIPTION;
  const root = `${APPS}/${names.name}`;

  generateFiles(tree, join(__dirname, 'files'), root, { ...names, description, tsString, tmpl: '', ...DEPENDENCY_VERSIONS_FOR_TEMPLATES });
  addProjectReference(tree, root);
  addToReadmeTable(tree, root, description);

  return () => {
    if (options.skipInstall) {
      logger.warn(`Skipped npm install: run it before committing, or npm ci will fail on a package-lock.json without ${names.packageName}.`);
    } else {
      // The new package has no changes to the root package.json, so the install must be forced.
      installPackagesTask(tree, true);
    }
    regenerateDocs(tree.root);
    logger.info(nextSteps(names, root));
  };
}

export default serviceGenerator;

function validated(tree: Tree, options: ServiceGeneratorOptions): ServiceNames {
  const name = (options.name ?? '').trim();
  const problem = serviceNameProblem(name, takenNames(tree)) ?? (options.description === undefined ? undefined : descriptionProblem(options.description));
  if (problem) throw new ServiceGeneratorError(problem);
  return serviceNames(name);
}

/** What the workspace in `tree` already holds. */
export function takenNames(tree: Tree): TakenNames {
  const appDirectories = tree.exists(APPS) ? tree.children(APPS) : [];
  const projects = Object.fromEntries([...getProjects(tree)].map(([projectName, project]) => [projectName, project.root]));
  const packages = Object.values(projects)
    .map((root) => `${root}/package.json`)
    .filter((file) => tree.exists(file))
    .map((file) => readJson<{ name?: string }>(tree, file).name)
    .filter((packageName): packageName is string => typeof packageName === 'string');
  const routePrefixes: Record<string, string> = {};
  const functionNames: Record<string, string> = {};
  for (const dir of appDirectories) {
    const manifest = `${APPS}/${dir}/src/service.ts`;
    if (!tree.exists(manifest)) continue;
    const source = tree.read(manifest, 'utf-8') ?? '';
    for (const prefix of routePrefixesIn(source)) routePrefixes[prefix] ??= dir;
    for (const fn of functionNamesIn(source)) functionNames[fn] ??= dir;
  }
  return { appDirectories, projects, packages, routePrefixes, functionNames };
}

/** The root tsconfig.json lists every project, as `nx sync` keeps it; sync:check in CI fails without it. */
function addProjectReference(tree: Tree, root: string): void {
  if (!tree.exists('tsconfig.json')) return;
  updateJson<{ references?: { path: string }[] }>(tree, 'tsconfig.json', (json) => {
    const path = `./${root}`;
    const references = json.references ?? [];
    if (!references.some((r) => r.path === path)) references.push({ path });
    return { ...json, references };
  });
}

/**
 * The README's table of projects gets the service's row, after the last service (the rows of
 * `apps/…` other than the storefront). A README without that table is left alone.
 */
function addToReadmeTable(tree: Tree, root: string, description: string): void {
  const text = tree.read('README.md', 'utf-8');
  if (text === null) return;
  const lines = text.split('\n');
  const last = lines.findLastIndex((line) => line.startsWith('| `apps/') && !line.startsWith('| `apps/storefront`'));
  if (last < 0) {
    logger.warn('README.md has no table of apps/ projects: add the new service to it by hand.');
    return;
  }
  const row = `| \`${root}\` | ${description.replace(/\.$/, '').replace(/\|/g, '\\|')} — [README](${root}/README.md) |`;
  tree.write('README.md', [...lines.slice(0, last + 1), row, ...lines.slice(last + 1)].join('\n'));
}

/** `npm run docs`, as a person would after changing a manifest: the committed generated files must match the manifests. */
function regenerateDocs(workspaceRoot: string): void {
  execSync('npm run --silent docs', { cwd: workspaceRoot, stdio: process.env['NX_GENERATE_QUIET'] === 'true' ? 'ignore' : 'inherit' });
}

function nextSteps(names: ServiceNames, root: string): string {
  return [
    `${names.name} is ready in ${root}. Next:`,
    `  npx nx run-many -t lint,typecheck,test,build -p ${names.name}`,
    `  npm run invoke -- ${names.name}/${names.functionName} --event ${root}/events/${names.functionName}/owner-reads-item.json`,
    `  then make it yours: docs/adding-a-service.md`,
  ].join('\n');
}
