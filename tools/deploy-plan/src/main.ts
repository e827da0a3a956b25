import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_FLAG, UsageError, nxAffectedArgs, parseChangeRange } from './affected-args';
import { type ChangeRange, changedFiles, lockOnBothSides } from './changed-files';
import { LOCK_FILE, lockChangeAsFiles } from './lock-changes';
import { affectedProjects, loadWorkspace, type Workspace } from './nx-workspace';
import { shippingAffected, shippingGraph } from './shipping';
import { deployOrder, loadManifests } from '@shop/platform';
import { deployPlan, fullDeployPlan } from './plan';

// `npm run deploy-plan -- --base=origin/main~1 --head=HEAD` prints {"stacks": [...]} on
// stdout for CI to consume, and one line for people on stderr. `--all` plans every stack
// (a first deploy), whatever changed.
const workspaceRoot = join(__dirname, '..', '..', '..');

/**
 * Files that change what the type checks see and nothing that ships. Nx counts
 * shop-references.d.ts as an input of every service's typecheck (so CI checks them all when a
 * function is added or removed), but no bundle changes with it: it deploys nothing.
 */
const TYPE_ONLY_FILES = new Set(['shop-references.d.ts']);

const args = process.argv.slice(2);
const all = args.includes(ALL_FLAG);
let range: ChangeRange;
try {
  range = parseChangeRange(args.filter((arg) => arg !== ALL_FLAG));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`deploy-plan: ${error.message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const nxJson = JSON.parse(readFileSync(join(workspaceRoot, 'nx.json'), 'utf8')) as { defaultBase?: string };
  const workspace = await loadWorkspace(workspaceRoot);
  const { projects } = workspace;
  const serviceOrder = deployOrder(await loadManifests(workspaceRoot));
  const defaultBase = nxJson.defaultBase ?? 'main';
  const touched = all ? [] : changedFiles(workspaceRoot, range, defaultBase);
  const deployable = withLockChangesAttributed(touched.filter((file) => !TYPE_ONLY_FILES.has(file)), range, defaultBase, workspace);
  const affected = all
    ? ['(all)']
    : deployable.length === touched.length && deployable.every((file, i) => file === touched[i])
      ? affectedProjects(workspaceRoot, nxAffectedArgs(range))
      : deployable.length === 0
        ? []
        : affectedProjects(workspaceRoot, nxAffectedArgs({ files: deployable.join(',') }));
  // Nx counts a change to a service's tests, or to a lib only tests use (the testing lib, the local
  // cloud), as a change to the service; what ships does not change with them.
  const ships = all ? undefined : shippingAffected(deployable, shippingGraph(workspaceRoot, projects));
  const shipping = ships ? affected.filter((name) => ships.has(name)) : affected;
  const testOnly = affected.filter((name) => !shipping.includes(name));
  const plan = all ? fullDeployPlan(projects, serviceOrder) : deployPlan({ affected: shipping, projects, changedFiles: deployable, serviceOrder });

  console.log(JSON.stringify(plan));
  const why = `affected: ${shipping.join(', ') || 'none'}${testOnly.length > 0 ? `; in tests only: ${testOnly.join(', ')}` : ''}`;
  console.error(plan.stacks.length === 0 ? `deploy-plan: nothing to deploy (${why})` : `deploy-plan: deploy ${plan.stacks.join(' → ')} (${why})`);
}

/**
 * The files with package-lock.json replaced by the projects its change reaches (lock-changes.ts):
 * Nx alone counts any change to the lock as a change to every project.
 */
function withLockChangesAttributed(files: string[], range: ChangeRange, defaultBase: string, workspace: Workspace): string[] {
  if (!files.includes(LOCK_FILE)) return files;
  const locks = lockOnBothSides(workspaceRoot, range, defaultBase);
  if (!locks) return files;
  const instead = lockChangeAsFiles(locks.before, locks.after, workspace.imports);
  return [...new Set(files.flatMap((file) => (file === LOCK_FILE ? instead : [file])))];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
