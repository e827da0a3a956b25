import { execFileSync } from 'node:child_process';

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
