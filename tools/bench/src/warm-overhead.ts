import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { percentile } from './stats';

/** One handler's time per invocation, in milliseconds. */
export interface InvocationTimes {
  p50: number;
  p99: number;
}

export interface WarmOverhead {
  /** The route the wrapped handler serves (`service/function`). */
  route: string;
  invocations: number;
  wrapped: InvocationTimes;
  bare: InvocationTimes;
  /** What the wrapper adds: the wrapped handler's percentile less the bare one's. */
  overhead: InvocationTimes;
}

export class WarmOverheadError extends Error {
  override name = 'WarmOverheadError';
}

/** p50 and p99 of each handler's samples, and their differences. */
export function overheadOf(route: string, wrapped: readonly number[], bare: readonly number[]): WarmOverhead {
  const times = (samples: readonly number[]): InvocationTimes => ({ p50: percentile(samples, 50), p99: percentile(samples, 99) });
  const w = times(wrapped);
  const b = times(bare);
  return { route, invocations: wrapped.length, wrapped: w, bare: b, overhead: { p50: w.p50 - b.p50, p99: w.p99 - b.p99 } };
}

/**
 * Runs warm-overhead-child.ts in its own node process: the wrapped handler logs a line per
 * invocation to stdout, as on Lambda, and those lines go to /dev/null there rather than to this
 * terminal. The figures come back on fd 3.
 */
export function measureWarmOverhead(invocations: number): Promise<WarmOverhead> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'warm-overhead-child.ts'), String(invocations)], {
      env: { ...process.env, LOG_LEVEL: 'info', AWS_REGION: 'us-east-1', SERVICE_NAME: 'product-service', AWS_LAMBDA_FUNCTION_NAME: 'bench' },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let result = '';
    let stderr = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => (result += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || result.trim() === '') {
        reject(new WarmOverheadError(`the warm-overhead run failed (exit ${code}): ${stderr.trim()}`));
        return;
      }
      resolve(JSON.parse(result) as WarmOverhead);
    });
  });
}
