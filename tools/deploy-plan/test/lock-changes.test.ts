import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { lockOnBothSides } from '../src/changed-files';
import { LOCK_FILE, lockChangeAsFiles, type PackageLock } from '../src/lock-changes';

/**
 * A small workspace: the root's tools (esbuild), cart-service with the DynamoDB client (which
 * brings @smithy/core), the aws lib with the Lambda client, and a copy of `tslib` nested under the
 * Lambda client, as npm installs a second version.
 */
function workspace(): PackageLock {
  return {
    lockfileVersion: 3,
    packages: {
      '': { devDependencies: { esbuild: '^0.25.0' } },
      'apps/cart-service': { dependencies: { '@aws-sdk/client-dynamodb': '^3.900.0', '@shop/aws': '*' } },
      'libs/aws': { dependencies: { '@aws-sdk/client-lambda': '^3.900.0' } },
      'node_modules/@shop/cart-service': { resolved: 'apps/cart-service', link: true },
      'node_modules/@shop/aws': { resolved: 'libs/aws', link: true },
      'node_modules/esbuild': { version: '0.25.9', optionalDependencies: { '@esbuild/linux-x64': '0.25.9' } },
      'node_modules/@esbuild/linux-x64': { version: '0.25.9' },
      'node_modules/@aws-sdk/client-dynamodb': { version: '3.920.0', dependencies: { '@smithy/core': '^3.1.0', tslib: '^2.6.0' } },
      'node_modules/@aws-sdk/client-lambda': { version: '3.920.0', dependencies: { tslib: '^1.0.0' } },
      'node_modules/@aws-sdk/client-lambda/node_modules/tslib': { version: '1.14.1' },
      'node_modules/@smithy/core': { version: '3.1.0' },
      'node_modules/tslib': { version: '2.8.1' },
      'node_modules/zod': { version: '4.1.12' },
    },
  };
}

type Edit = (packages: PackageLock['packages']) => void;
const changed = (edit: Edit, imports?: Record<string, string[]>) => {
  const after = workspace();
  edit(after.packages);
  return lockChangeAsFiles(workspace(), after, imports);
};

describe('a change to package-lock.json, attributed to projects', () => {
  it('touches nothing when the lock did not change', () => {
    expect(lockChangeAsFiles(workspace(), workspace())).toEqual([]);
  });

  it('touches nothing when only the flags saying which installs take a package moved (dev, optional)', () => {
    expect(changed((p) => (p['node_modules/@smithy/core'] = { version: '3.1.0', dev: true, optional: true }))).toEqual([]);
  });

  it('touches only a new service when one is added (its workspace entry and its link)', () => {
    expect(
      changed((p) => {
        p['apps/wishlist-service'] = { dependencies: { '@aws-sdk/client-dynamodb': '^3.900.0' } };
        p['node_modules/@shop/wishlist-service'] = { resolved: 'apps/wishlist-service', link: true };
      }),
    ).toEqual(['apps/wishlist-service/package.json']);
  });

  it('touches the projects whose dependency tree holds a package that moved, however deep', () => {
    expect(changed((p) => (p['node_modules/@smithy/core'] = { version: '3.2.0' }))).toEqual(['apps/cart-service/package.json']);
    // The nested copy is the Lambda client's (libs/aws), not the hoisted one cart-service's DynamoDB client takes.
    expect(changed((p) => (p['node_modules/@aws-sdk/client-lambda/node_modules/tslib'] = { version: '1.14.2' }))).toEqual(['libs/aws/package.json']);
    expect(changed((p) => (p['node_modules/tslib'] = { version: '2.8.2' }))).toEqual(['apps/cart-service/package.json']);
  });

  it('counts a package a project imports without declaring it (hoisting allows it), as Nx finds the import', () => {
    const bumpZod: Edit = (p) => (p['node_modules/zod'] = { version: '4.2.0' });
    expect(changed(bumpZod)).toEqual([]);
    expect(changed(bumpZod, { 'apps/cart-service': ['zod'] })).toEqual(['apps/cart-service/package.json']);
  });

  it('touches the projects that held a package that was removed', () => {
    expect(
      changed((p) => {
        delete p['node_modules/@smithy/core'];
        p['node_modules/@aws-sdk/client-dynamodb'] = { version: '3.921.0', dependencies: { tslib: '^2.6.0' } };
      }),
    ).toEqual(['apps/cart-service/package.json']);
  });

  it("stands for every project when the change reaches the root's own tools, the root's entry or the lock's format", () => {
    expect(changed((p) => (p['node_modules/@esbuild/linux-x64'] = { version: '0.25.10' }))).toEqual([LOCK_FILE]);
    expect(changed((p) => (p['']!.devDependencies = { esbuild: '^0.26.0' }))).toEqual([LOCK_FILE]);
    expect(lockChangeAsFiles(workspace(), { ...workspace(), lockfileVersion: 2 })).toEqual([LOCK_FILE]);
  });

  it('touches each project a change reaches, once, sorted', () => {
    expect(
      changed((p) => {
        p['node_modules/@smithy/core'] = { version: '3.2.0' };
        p['node_modules/@aws-sdk/client-lambda'] = { version: '3.921.0', dependencies: { tslib: '^1.0.0' } };
        p['libs/aws'] = { dependencies: { '@aws-sdk/client-lambda': '^3.921.0' } };
      }),
    ).toEqual(['apps/cart-service/package.json', 'libs/aws/package.json']);
  });
});

describe('package-lock.json on both sides of a range', () => {
  const lock = (version: string): PackageLock => ({ lockfileVersion: 3, packages: { '': {}, 'node_modules/zod': { version } } });
  const zodOf = (found: { before: PackageLock; after: PackageLock } | undefined) =>
    found && [found.before.packages['node_modules/zod']?.version, found.after.packages['node_modules/zod']?.version];

  it('reads base...head from git, the working tree against the merge base, and nothing for a list of files', () => {
    const repo = mkdtempSync(join(tmpdir(), 'deploy-plan-lock-'));
    onTestFinished(() => rmSync(repo, { recursive: true, force: true }));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@shop.local', '-c', 'user.name=ci', ...args], { cwd: repo, encoding: 'utf8' });
    const write = (version: string) => writeFileSync(join(repo, LOCK_FILE), JSON.stringify(lock(version)));
    git('init', '-q', '-b', 'main');
    write('4.0.0');
    git('add', '.');
    git('commit', '-qm', 'one');
    git('checkout', '-qb', 'feature');
    write('4.1.0');
    git('commit', '-qam', 'two');
    write('4.2.0');

    expect(zodOf(lockOnBothSides(repo, { base: 'main', head: 'feature' }, 'main'))).toEqual(['4.0.0', '4.1.0']);
    expect(zodOf(lockOnBothSides(repo, {}, 'main'))).toEqual(['4.0.0', '4.2.0']);
    expect(lockOnBothSides(repo, { files: LOCK_FILE }, 'main')).toBeUndefined();
  });
});
