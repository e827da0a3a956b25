import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const workspaceRoot = join(__dirname, '..', '..', '..');

describe('deploy-plan against this workspace', () => {
  it(
    'plans only user-service for a change to its login handler',
    () => {
      const stdout = execFileSync(
        'npx',
        ['tsx', 'tools/deploy-plan/src/main.ts', '--files=apps/user-service/src/handlers/login.ts'],
        { cwd: workspaceRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NX_DAEMON: 'false' } },
      );
      expect(JSON.parse(stdout)).toEqual({ stacks: ['service:user-service'] });
    },
    // Nx starts twice (affected query and project graph), seconds each on a busy machine.
    120_000,
  );
});
