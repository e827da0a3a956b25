import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '@shop/platform';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * `npm run invoke -- <service>/<function> --event <file>`: one function, one event, in a local
 * cloud of its own (the suite's keeps running beside it). The answer is the only thing on stdout;
 * the function's log lines, for that request, are on stderr.
 */

const repoRoot = findRepoRoot();
const scratch = mkdtempSync(join(tmpdir(), 'invoke-e2e-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function invoke(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '-s', 'invoke', '--', ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run invoke', () => {
  it("runs one function with a sample event and prints its answer and that request's logs", async () => {
    const run = await invoke('analytics-service/analytics-writer', '--event', 'apps/analytics-service/events/analytics-writer/order-created.json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ outcome: 'recorded' });
    const requestId = /START RequestId: (\S+) analytics-service\/analytics-writer/.exec(run.stderr)?.[1];
    expect(requestId).toBeDefined();
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('{'));
    const counted = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['message'] === 'order event counted');
    // The function ran in the local cloud's runtime, with the manifest's environment and the sample's event.
    expect(counted).toMatchObject({
      service: 'analytics-service',
      function: 'shop-local-analytics-service-analytics-writer',
      awsRequestId: requestId,
      trigger: 'event-rule',
      correlationId: 'checkout-5f0c8a3e',
      orderId: '5f0c8a3e-1d2b-4c6f-9a7e-3b8d2f1c4e60',
    });
  }, 180_000);

  it("exits 1 with the function's error when the function fails", async () => {
    const event = join(scratch, 'no-lines.json');
    writeFileSync(event, JSON.stringify({ lines: [] }));
    const run = await invoke('inventory-service/check-availability', '--event', event);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ errorType: 'InvalidRequest' });
    expect(run.stderr).toContain('(function error: Unhandled)');
  }, 180_000);

  it('names what is wrong with the command before starting anything', async () => {
    const run = await invoke('inventory-service/no-such-function', '--event', 'apps/inventory-service/events/check-availability/two-lines.json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('inventory-service has no function no-such-function; its functions: check-availability');
  }, 180_000);
});
