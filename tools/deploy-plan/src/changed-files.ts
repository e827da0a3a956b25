import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, type PackageLock } from './lock-changes';

/** The options Nx's affected query takes that say what changed. */
export interface ChangeRange {
  base?: string;
  head?: string;
  files?: string;
}

function git(workspaceRoot: string, args: string[]): string[] {
  return execFileSync('git', args, { cwd: workspaceRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter((line) => line !== '');
}

/**
 * The files Nx's affected query looks at, computed the way Nx does: the given
 * files; or base...head; or, with no head, the working tree (staged, unstaged
 * and untracked) against the merge base of base and HEAD.
 */
export function changedFiles(workspaceRoot: string, range: ChangeRange, defaultBase: string): string[] {
  if (range.files !== undefined) {
    return range.files.split(/[,\s]+/).filter((file) => file !== '').map((file) => file.replace(/^\.\//, ''));
  }
  const base = range.base ?? defaultBase;
  if (range.head !== undefined) return git(workspaceRoot, ['diff', '--name-only', `${base}...${range.head}`]);
  const [mergeBase = base] = git(workspaceRoot, ['merge-base', base, 'HEAD']);
  return [
    ...git(workspaceRoot, ['diff', '--name-only', mergeBase]),
    ...git(workspaceRoot, ['ls-files', '--others', '--exclude-standard']),
  ];
}

/**
 * package-lock.json on both sides of the range, as `changedFiles` compares them: base...head, or the
 * merge base against the working tree. Undefined for a list of files, which says nothing of what
 * the lock was before.
 */
export function lockOnBothSides(workspaceRoot: string, range: ChangeRange, defaultBase: string): { before: PackageLock; after: PackageLock } | undefined {
  if (range.files !== undefined) return undefined;
  const base = range.base ?? defaultBase;
  const [mergeBase = base] = git(workspaceRoot, ['merge-base', base, range.head ?? 'HEAD']);
  const show = (rev: string) => execFileSync('git', ['show', `${rev}:${LOCK_FILE}`], { cwd: workspaceRoot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const after = range.head !== undefined ? show(range.head) : readFileSync(join(workspaceRoot, LOCK_FILE), 'utf8');
  return { before: JSON.parse(show(mergeBase)) as PackageLock, after: JSON.parse(after) as PackageLock };
}
