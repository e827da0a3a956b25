import type { ChangeRange } from './changed-files';

const OPTIONS = ['base', 'head', 'files'] as const;

/** `--all`: every stack, whatever changed (a first deploy). */
export const ALL_FLAG = '--all';
type Option = (typeof OPTIONS)[number];

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Reads `--base`, `--head` and `--files` (as `--x=v` or `--x v`), the options
 * passed through to `nx show projects --affected`. Anything else is a mistake
 * worth stopping CI for, not something to ignore.
 */
export function parseChangeRange(argv: string[]): ChangeRange {
  const range: ChangeRange = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1] as Option | undefined;
    if (!match || name === undefined || !OPTIONS.includes(name)) {
      throw new UsageError(`unknown argument ${arg}: expected --base, --head, --files or --all`);
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${arg} needs a value`);
    range[name] = value;
  }
  return range;
}

/** The range as arguments for Nx. */
export function nxAffectedArgs(range: ChangeRange): string[] {
  return OPTIONS.flatMap((name) => (range[name] === undefined ? [] : [`--${name}=${range[name]}`]));
}
