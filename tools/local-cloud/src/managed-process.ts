import { spawn } from 'node:child_process';

/**
 * A long-running helper process (an emulator) that must never outlive the local cloud.
 *
 * - It runs in its own process group (`detached: true`), so that Ctrl-C in the terminal
 *   reaches only our process, which then stops its helpers in order, and so that stopping
 *   it kills the whole group, whatever the helper started itself.
 * - A process `exit` hook kills the group synchronously if our process ends without
 *   stopping it (an uncaught error, `process.exit()` in a test worker).
 * - The tail of its output is kept for the error message when it dies or never gets ready.
 */

export interface ManagedProcessOptions {
  /** Shown in error messages: `DynamoDB Local`. */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves once the process has exited. */
  readonly exited: Promise<ExitStatus>;
  /** Whether the process has exited. */
  hasExited(): boolean;
  /** The last few kilobytes it wrote to stdout and stderr. */
  output(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the process has exited. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_TAIL_CHARS = 16_000;
const DEFAULT_GRACE_MS = 5_000;

/** Spawns the process and resolves once the OS has started it (rejects if it could not, e.g. ENOENT). */
export async function spawnManaged(options: ManagedProcessOptions): Promise<ManagedProcess> {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`${options.name}: could not start \`${options.command}\`: ${error.message}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: started without a process id`);

  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone, which is what we want.
    }
  };
  const onParentExit = (): void => killGroup('SIGKILL');
  process.on('exit', onParentExit);

  let exitStatus: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = { code, signal };
      process.off('exit', onParentExit);
      // The leader is gone; make sure nothing it started lingers in its group.
      killGroup('SIGKILL');
      resolve(exitStatus);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = DEFAULT_GRACE_MS): Promise<void> => {
    stopping ??= (async () => {
      if (exitStatus) return;
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  return {
    name: options.name,
    pid,
    exited,
    hasExited: () => exitStatus !== undefined,
    output: () => tail,
    stop,
  };
}

export interface WaitForReadyOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between probes. */
  intervalMs?: number;
}

/**
 * Probes until `probe` resolves true. Rejects, with the process's output, when the process
 * exits first or the time runs out; the caller then stops the process.
 */
export async function waitForReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  options: WaitForReadyOptions,
): Promise<void> {
  const started = Date.now();
  const intervalMs = options.intervalMs ?? 250;
  const describeOutput = (): string => {
    const out = stripAnsi(proc.output()).trim();
    return out ? `\n--- its output ---\n${out}` : ' (it printed nothing)';
  };
  while (Date.now() - started < options.timeoutMs) {
    if (proc.hasExited()) {
      const status = await proc.exited;
      throw new Error(`${proc.name} exited during start-up (${status.signal ?? `code ${status.code}`})${describeOutput()}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${proc.name} did not answer within ${Math.round(options.timeoutMs / 1000)} s${describeOutput()}`);
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
