import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const workspaceRoot = join(__dirname, '..', '..', '..');

function plan(files: string): unknown {
  const stdout = execFileSync('npx', ['tsx', 'tools/deploy-plan/src/main.ts', `--files=${files}`], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  return JSON.parse(stdout);
}

describe('deploy-plan against this workspace', () => {
  it(
    'plans only user-service for a change to its login handler, even beside a change to the shop references',
    () => {
      expect(plan('apps/user-service/src/handlers/login.ts')).toEqual({ stacks: ['service:user-service'] });
      // Nx marks every service affected by shop-references.d.ts (an input of their typecheck); nothing that ships changes with it.
      expect(plan('apps/user-service/src/handlers/login.ts,shop-references.d.ts')).toEqual({ stacks: ['service:user-service'] });
      expect(plan('shop-references.d.ts')).toEqual({ stacks: [] });
      // Nx marks the services affected by their tests and by what only tests use (the local cloud, the testing lib); none of it ships.
      expect(plan('apps/cart-service/test/fixtures.ts,tools/local-cloud/src/free-port.ts,libs/testing/src/index.ts')).toEqual({ stacks: [] });
      expect(plan('libs/aws/src/index.ts,apps/cart-service/test/fixtures.ts')).toEqual({ stacks: expect.arrayContaining(['service:cart-service', 'service:order-service']) });
      // A list of files says nothing of what the lock was before: a change to it still stands for every project.
      expect((plan('package-lock.json') as { stacks: string[] }).stacks).toEqual(expect.arrayContaining(['platform', 'service:cart-service', 'web']));
    },
    // Nx starts twice (affected query and project graph), seconds each on a busy machine.
    120_000,
  );
});
