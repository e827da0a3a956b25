import { spawn } from 'node:child_process';
import { freePort } from '@shop/local-cloud';

/** What `npm start` prints once the shop answers (tools/local-cloud/src/cli.ts, printBanner). */
const READY = 'The shop is running';

/**
 * `npm start`'s own start-up after the build: spawns the local cloud's CLI (what `npm start` runs
 * once `nx run-many -t build` is done) on a free port and times it to its "running" banner, then
 * stops it with Ctrl-C. tsx's loader is inside the figure, as it is inside `npm start`'s.
 */
export async function measureStartUp(repoRoot: string, timeoutMs = 120_000): Promise<{ readyMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/local-cloud/src/cli.ts', '--port', String(port)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start was not ready in ${timeoutMs / 1000} s:\n${output.slice(-2000)}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(READY)) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code}) before it was ready:\n${output.slice(-2000)}`));
      });
    });
    return { readyMs };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGINT');
      const forced = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(forced);
    }
  }
}
