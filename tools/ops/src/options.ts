/** A command line that cannot be what the person meant: the command says how and stops. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * `--name value` or `--name=value` for each of `names`, `--flag` alone for each of `flags`, nothing
 * else, each at most once: an option the command does not know is a mistake worth stopping for.
 */
export function parseOptions<const N extends string, const F extends string = never>(
  argv: readonly string[],
  names: readonly N[],
  flags: readonly F[] = [],
): Partial<Record<N, string>> & Partial<Record<F, true>> {
  const options: Record<string, string | true> = {};
  const known = [...names, ...flags].map((n) => `--${n}`).join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    const isFlag = (flags as readonly string[]).includes(name ?? '');
    if (!match || name === undefined || !(isFlag || (names as readonly string[]).includes(name))) {
      throw new UsageError(`unknown argument ${arg}: expected ${known}`);
    }
    if (options[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    if (isFlag) {
      if (match[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    options[name] = value;
  }
  return options as Partial<Record<N, string>> & Partial<Record<F, true>>;
}

/** `--stage`: a deployed stage, or one of `stages` for a command that also works on another (the local cloud's). */
export function stageOption(value: string | undefined): Stage;
export function stageOption<const S extends string>(value: string | undefined, stages: readonly S[]): S;
export function stageOption(value: string | undefined, stages: readonly string[] = STAGES): string {
  if (!value) throw new UsageError(`--stage is required: one of ${stages.join(', ')}`);
  if (!stages.includes(value)) throw new UsageError(`--stage is "${value}": expected one of ${stages.join(', ')}`);
  return value;
}

/** The region the stage runs in, as the AWS CLI reads it: AWS_REGION, else AWS_DEFAULT_REGION. */
export function regionFromEnvironment(): string {
  const region = process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new UsageError('AWS_REGION is not set: the region the stage runs in');
  return region;
}


/** A count such as `--max`: a whole number from 1, or `fallback` when the option is not given. */
export function positiveIntegerOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--${name} is "${value}": expected a whole number from 1`);
  return Number(value);
}

/**
 * Runs a command's `main` and exits as it says: its exit code, or 2 for a usage error (which it
 * prints, after the command's name) and 1 for anything else.
 */
export function runCommand(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
