import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type CloudReady, READY_PREFIX } from './cloud-process';

export interface CloudChild extends CloudReady {
  stop(): Promise<void>;
}

/** Starts `cloud-process.ts` with tsx and resolves once it has printed where the API is. */
export async function startCloudChild(repoRoot: string, timeoutMs = 180_000): Promise<CloudChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'cloud-process.ts')], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(forced);
  };
  try {
    const ready = await new Promise<CloudReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the local cloud did not start in ${timeoutMs / 1000} s:\n${output.slice(-2000)}`)), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.startsWith(READY_PREFIX));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line.slice(READY_PREFIX.length)) as CloudReady);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the local cloud exited before it was up:\n${output.slice(-2000)}`));
      });
    });
    return { ...ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
