import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a deploy ships is built from a project's production files: nx.json's `production` input,
 * which leaves out a project's tests, its test and lint configuration and its README. A test
 * checks this list against nx.json.
 */
export const NON_SHIPPING = ['test/**/*', '**/*.test.ts', 'vitest.config.ts', 'eslint.config.mjs', 'README.md'] as const;

/** Each {@link NON_SHIPPING} pattern as a test of a path inside the project. */
const NON_SHIPPING_MATCHERS = NON_SHIPPING.map((pattern): ((inside: string) => boolean) => {
  if (pattern.endsWith('/**/*')) return (inside) => inside.startsWith(pattern.slice(0, -'**/*'.length));
  if (pattern.startsWith('**/*')) return (inside) => inside.endsWith(pattern.slice('**/*'.length));
  return (inside) => inside === pattern;
});

/** Whether `file` (workspace-relative) is one of the production files of the project at `root`. */
export function isShippingFile(root: string, file: string): boolean {
  const inside = file.slice(root.length + 1);
  return !NON_SHIPPING_MATCHERS.some((matches) => matches(inside));
}

/** Workspace packages a source file imports, re-exports or requires: `@shop/<name>`. */
export function shopImports(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](@shop\/[^'"/]+)/g);
  return [...new Set([...found].map((match) => match[1]!))];
}

/** The project that owns `file`: the one with the longest root it lies under. */
function ownerOf(roots: ReadonlyMap<string, string>, file: string): string | undefined {
  let owner: { name: string; length: number } | undefined;
  for (const [name, root] of roots) {
    if ((file.startsWith(`${root}/`) || file === root) && root.length > (owner?.length ?? -1)) owner = { name, length: root.length };
  }
  return owner?.name;
}

export interface ShippingGraph {
  /** Project name → the projects whose production files (or package.json `dependencies`, or project.json `implicitDependencies`) it uses. */
  dependencies: Record<string, string[]>;
  /** Project name → root. */
  roots: Record<string, string>;
}

/** What the shipping graph reads of each project besides its files. */
export interface ProjectRoot {
  root: string;
  /** project.json's `implicitDependencies`, as Nx resolves their patterns (`tag:type:service`). */
  implicitDependencies?: readonly string[];
}

/**
 * The projects each project ships code of: what its production files import, what its
 * package.json lists under `dependencies` (not `devDependencies`), and its project.json's
 * `implicitDependencies`. A service's tests import the testing lib and the local cloud; its bundle
 * takes neither.
 */
export function shippingGraph(workspaceRoot: string, projects: Readonly<Record<string, ProjectRoot>>): ShippingGraph {
  const roots = Object.fromEntries(Object.entries(projects).map(([name, { root }]) => [name, root]));
  const byRoot = new Map(Object.entries(roots));
  const readJson = (path: string) => (existsSync(join(workspaceRoot, path)) ? (JSON.parse(readFileSync(join(workspaceRoot, path), 'utf8')) as Record<string, unknown>) : {});
  const packageJsons = new Map([...byRoot].map(([name, root]) => [name, readJson(`${root}/package.json`)]));
  const projectOfPackage = new Map<string, string>();
  for (const [name, packageJson] of packageJsons) {
    if (typeof packageJson['name'] === 'string') projectOfPackage.set(packageJson['name'], name);
  }
  const dependencies = new Map<string, Set<string>>([...byRoot.keys()].map((name) => [name, new Set<string>()]));
  const add = (from: string, packages: Iterable<string>) => {
    for (const pkg of packages) {
      const to = projectOfPackage.get(pkg) ?? (byRoot.has(pkg) ? pkg : undefined);
      if (to && to !== from) dependencies.get(from)!.add(to);
    }
  };
  for (const [name, packageJson] of packageJsons) {
    add(name, Object.keys((packageJson['dependencies'] as Record<string, string> | undefined) ?? {}));
    add(name, projects[name]?.implicitDependencies ?? []);
  }
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts', '*.tsx', '*.mts', '*.cts', '*.js', '*.mjs', '*.cjs'], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\n')
    .filter((file) => file !== '');
  for (const file of files) {
    const owner = ownerOf(byRoot, file);
    if (!owner || !isShippingFile(byRoot.get(owner)!, file) || !existsSync(join(workspaceRoot, file))) continue;
    add(owner, shopImports(readFileSync(join(workspaceRoot, file), 'utf8')));
  }
  return { dependencies: Object.fromEntries([...dependencies].map(([name, deps]) => [name, [...deps].sort()])), roots };
}

/**
 * The projects whose shipped code a change may have changed: those with a touched production
 * file, and every project that ships code of one of them, transitively. Undefined when a touched
 * file belongs to no project (a root configuration file): then only Nx's own answer is safe.
 */
export function shippingAffected(touched: readonly string[], graph: ShippingGraph): Set<string> | undefined {
  const byRoot = new Map(Object.entries(graph.roots));
  const affected = new Set<string>();
  for (const file of touched) {
    const owner = ownerOf(byRoot, file);
    if (!owner) return undefined;
    if (isShippingFile(byRoot.get(owner)!, file)) affected.add(owner);
  }
  const dependents = new Map<string, string[]>();
  for (const [name, deps] of Object.entries(graph.dependencies)) for (const dep of deps) dependents.set(dep, [...(dependents.get(dep) ?? []), name]);
  const queue = [...affected];
  while (queue.length > 0) {
    for (const dependent of dependents.get(queue.pop()!) ?? []) {
      if (affected.has(dependent)) continue;
      affected.add(dependent);
      queue.push(dependent);
    }
  }
  return affected;
}
