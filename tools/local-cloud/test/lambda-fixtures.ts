import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FunctionConfig, RuntimeLogLine } from '../src/lambda-runtime';

/**
 * Tiny CommonJS "bundles" in a temporary folder, standing in for the services' esbuild
 * output so that the runtime is tested without building anything.
 */
export class Fixtures {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'lambda-fixtures-'));

  /** Writes `source` as `<name>.js` (or a relative path) and returns its absolute path. */
  write(name: string, source: string): string {
    const file = path.join(this.dir, name.endsWith('.js') ? name : `${name}.js`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source);
    return file;
  }

  /** A function whose bundle is `source`; `name` is also its physical name. */
  fn(name: string, source: string, overrides: Partial<FunctionConfig> = {}): FunctionConfig {
    return {
      name,
      service: 'test-service',
      functionName: name,
      bundlePath: this.write(name, source),
      environment: {},
      timeoutSeconds: 5,
      memoryMb: 256,
      ...overrides,
    };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Collects what functions write, instead of letting it reach the test output. */
export function logCollector(): { lines: RuntimeLogLine[]; onLog: (line: RuntimeLogLine) => void } {
  const lines: RuntimeLogLine[] = [];
  return { lines, onLog: (line) => lines.push(line) };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
