import { spawnSync } from 'node:child_process';
import { findRepoRoot } from '@shop/platform';
import { describe, expect, it } from 'vitest';

const repoRoot = findRepoRoot();
describe('docs/openapi.json', () => {
  it('passes Redocly\'s recommended rules without an error', () => {
    const lint = spawnSync('npx', ['redocly', 'lint', 'docs/openapi.json', '--format=stylish'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(lint.status, `${lint.stdout}\n${lint.stderr}`).toBe(0);
    expect(lint.stdout).not.toMatch(/\berror\b/);
  }, 150_000);
});
