/** A command line that cannot be what the person meant: the command says how and stops. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * `--name value` or `--name=value` for each of `names`, nothing else, each at most once:
 * an option the command does not know is a mistake worth stopping for.
 */
export function parseOptions<const N extends string>(argv: readonly string[], names: readonly N[]): Partial<Record<N, string>> {
  const options: Partial<Record<N, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1] as N | undefined;
    if (!match || name === undefined || !names.includes(name)) {
      throw new UsageError(`unknown argument ${arg}: expected ${names.map((n) => `--${n}`).join(', ')}`);
    }
    if (options[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    options[name] = value;
  }
  return options;
}

export function stageOption(value: string | undefined): Stage {
  if (!value) throw new UsageError(`--stage is required: one of ${STAGES.join(', ')}`);
  if (!(STAGES as readonly string[]).includes(value)) throw new UsageError(`--stage is "${value}": expected one of ${STAGES.join(', ')}`);
  return value as Stage;
}
