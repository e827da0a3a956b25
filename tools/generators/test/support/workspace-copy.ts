import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * A copy of the repository to run the generator in, without touching the real one: its files
 * (what `git ls-files` lists, untracked ones too, so a change not yet committed is tested), and a
 * node_modules made of links to the real one's packages (850 MB are not copied). The workspace's
 * own packages (`@shop/*`) are linked to the copy's projects, as npm install links them, so that
 * code run in the copy finds the copy: `findRepoRoot()` follows those links.
 */
export function copyWorkspace(repoRoot: string, target: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  for (const file of new Set(listed.split('\0').filter(Boolean))) {
    const from = join(repoRoot, file);
    // A file deleted in the working tree stays listed until the deletion is staged.
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(from, join(target, file));
  }
  const modules = join(repoRoot, 'node_modules');
  mkdirSync(join(target, 'node_modules'));
  for (const entry of readdirSync(modules)) {
    if (entry === '@shop' || (entry.startsWith('.') && entry !== '.bin')) continue;
    symlinkSync(join(modules, entry), join(target, 'node_modules', entry));
  }
  linkWorkspacePackages(target);
}

/** `node_modules/@shop/<name>` → the copy's project, for every workspace package (what npm install does). */
export function linkWorkspacePackages(workspace: string): void {
  const scope = join(workspace, 'node_modules', '@shop');
  mkdirSync(scope, { recursive: true });
  for (const root of workspaceProjectRoots(workspace)) {
    const { name } = JSON.parse(readFileSync(join(workspace, root, 'package.json'), 'utf8')) as { name?: string };
    if (!name?.startsWith('@shop/')) continue;
    const link = join(scope, name.slice('@shop/'.length));
    if (!existsSync(link)) symlinkSync(relative(scope, join(workspace, root)), link);
  }
}

/** Directories the root package.json's `workspaces` name (`libs/*`, `infra`), relative to the workspace. */
function workspaceProjectRoots(workspace: string): string[] {
  const { workspaces = [] } = JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8')) as { workspaces?: string[] };
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    if (!existsSync(join(workspace, parent))) return [];
    return readdirSync(join(workspace, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`);
  }).filter((root) => existsSync(join(workspace, root, 'package.json')));
}

/**
 * The libs' typecheck outputs (`libs/<lib>/out-tsc`, declarations and tsbuildinfo), copied after
 * their sources so that they are newer: `tsc --build` of the new service in the copy then finds
 * the libs up to date instead of checking each again (a minute on two cores). A lib whose
 * outputs are missing or stale is checked in the copy, as it would be anywhere.
 */
export function copyTypecheckOutputs(repoRoot: string, workspace: string): void {
  for (const lib of readdirSync(join(repoRoot, 'libs'))) {
    const outputs = join(repoRoot, 'libs', lib, 'out-tsc');
    if (existsSync(outputs) && existsSync(join(workspace, 'libs', lib))) cpSync(outputs, join(workspace, 'libs', lib, 'out-tsc'), { recursive: true });
  }
}

/**
 * The real repository's built bundles and layers, linked into the copy's `dist/`: infra's synth
 * zips every function, and only the new service is built in the copy.
 */
export function linkBuiltBundles(repoRoot: string, workspace: string, except: string): void {
  const apps = join(repoRoot, 'dist', 'apps');
  mkdirSync(join(workspace, 'dist', 'apps'), { recursive: true });
  for (const service of readdirSync(apps)) {
    if (service !== except) symlinkSync(join(apps, service), join(workspace, 'dist', 'apps', service));
  }
  symlinkSync(join(repoRoot, 'dist', 'layers'), join(workspace, 'dist', 'layers'));
}

export interface Run {
  output: string;
  seconds: number;
}

/**
 * Runs a command of the workspace's (an npx binary) in the copy, with Nx's daemon and cloud off
 * as CI runs them; throws with its output when it fails.
 */
export function runIn(workspace: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  const started = Date.now();
  const options: ExecFileSyncOptions = {
    cwd: workspace,
    encoding: 'utf8',
    stdio: 'pipe',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NO_COLOR: '1', ...env },
  };
  try {
    const output = execFileSync('npx', ['--no-install', command, ...args], options) as string;
    return { output, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${workspace}:\n${failed.stdout ?? ''}${failed.stderr ?? ''}\n${failed.message}`);
  }
}
