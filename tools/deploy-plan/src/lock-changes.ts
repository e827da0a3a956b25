/** The part of an npm `package-lock.json` (lockfile version 2 or 3) this reads. */
export interface PackageLock {
  lockfileVersion?: number;
  packages: Record<string, LockEntry>;
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
}

/** The lock itself: a change that stands for it affects every project, as Nx takes it. */
export const LOCK_FILE = 'package-lock.json';

const isInstalled = (location: string) => location.startsWith('node_modules/') || location.includes('/node_modules/');

/** Where a package's own dependencies are looked up after its own `node_modules`: the folder that holds it. */
function parentOf(location: string): string {
  const at = location.lastIndexOf('node_modules/');
  return at <= 0 ? '' : location.slice(0, at - 1);
}

/** The entry `name` resolves to from `location`, as Node and npm find it: the nearest `node_modules` upwards. */
function resolve(lock: PackageLock, location: string, name: string): string | undefined {
  for (let from = location; ; from = parentOf(from)) {
    const candidate = `${from ? `${from}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (from === '') return undefined;
  }
}

/**
 * The installed packages (lock locations) a workspace project brings: what its package.json
 * declares, of every kind, what its code imports (`imported`, which hoisting lets it do without
 * declaring), and what those depend on in turn. It stops at workspace links: another project's
 * dependencies are its own, and Nx's project graph carries a change from it to its dependents.
 */
function closure(lock: PackageLock, project: string, imported: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [project];
  while (queue.length > 0) {
    const location = queue.pop()!;
    const entry = lock.packages[location];
    if (!entry) continue;
    const names = [
      ...[entry.dependencies, entry.optionalDependencies, entry.peerDependencies, location === project ? entry.devDependencies : undefined].flatMap((deps) =>
        Object.keys(deps ?? {}),
      ),
      ...(location === project ? imported : []),
    ];
    for (const name of names) {
      const found = resolve(lock, location, name);
      if (!found || seen.has(found) || lock.packages[found]?.link) continue;
      seen.add(found);
      queue.push(found);
    }
  }
  return seen;
}

/** What an entry installs: its flags (`dev`, `optional`, `peer`, `devOptional`) say only which installs take it. */
const installed = ({ version, resolved, integrity, link, dependencies, devDependencies, optionalDependencies, peerDependencies }: LockEntry) =>
  JSON.stringify({ version, resolved, integrity, link, dependencies, devDependencies, optionalDependencies, peerDependencies });
const sameEntry = (a: LockEntry | undefined, b: LockEntry | undefined) => (a && b ? installed(a) === installed(b) : a === b);

/**
 * What a change to package-lock.json touched, as files Nx's affected query takes: the
 * `package.json` of each workspace project whose installed dependencies changed (a new or removed
 * project, a version that moved in its dependency tree), and the lock itself, which affects every
 * project, when the change reaches the workspace root's own tools (Nx, esbuild, TypeScript...) or
 * the lock's format. Without this, Nx counts any change to the lock as a change to every project,
 * so adding one service would deploy every stack.
 *
 * @param imports - The packages each project's code imports, by project root (`apps/cart-service`),
 *   as Nx's project graph finds them.
 */
export function lockChangeAsFiles(before: PackageLock, after: PackageLock, imports: Readonly<Record<string, readonly string[]>> = {}): string[] {
  if (before.lockfileVersion !== after.lockfileVersion || JSON.stringify(before.packages['']) !== JSON.stringify(after.packages[''])) return [LOCK_FILE];
  const locations = new Set([...Object.keys(before.packages), ...Object.keys(after.packages)]);
  const changed = [...locations].filter((location) => location !== '' && !sameEntry(before.packages[location], after.packages[location]));
  const touched = new Set<string>();
  const changedInstalls = new Set<string>();
  for (const location of changed) {
    const entry = after.packages[location] ?? before.packages[location]!;
    if (!isInstalled(location)) touched.add(`${location}/package.json`);
    else if (entry.link && entry.resolved) touched.add(`${entry.resolved}/package.json`);
    else changedInstalls.add(location);
  }
  if (changedInstalls.size === 0) return [...touched].sort();

  const projects = [...locations].filter((location) => !isInstalled(location));
  for (const lock of [before, after]) {
    for (const project of projects) {
      if (!lock.packages[project]) continue;
      const reaches = [...closure(lock, project, imports[project] ?? [])].some((location) => changedInstalls.has(location));
      if (!reaches) continue;
      if (project === '') return [LOCK_FILE];
      touched.add(`${project}/package.json`);
    }
  }
  return [...touched].sort();
}
