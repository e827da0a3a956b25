import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isShippingFile, NON_SHIPPING, shippingAffected, shippingGraph, shopImports } from '../src/shipping';

describe("a project's shipping files", () => {
  it("are nx.json's production input", () => {
    const nxJson = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'nx.json'), 'utf8')) as { namedInputs: { production: string[] } };
    expect(nxJson.namedInputs.production).toEqual(['default', ...NON_SHIPPING.map((pattern) => `!{projectRoot}/${pattern}`)]);
  });

  it('leave out its tests, its test and lint configuration and its README, and nothing else', () => {
    const root = 'apps/cart-service';
    expect(['src/handlers/add-to-cart.ts', 'src/service.ts', 'package.json', 'project.json', 'events/read-cart/a.json', 'src/README.md'].map((f) => isShippingFile(root, `${root}/${f}`))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['test/fixtures.ts', 'test/handlers/x.test.ts', 'src/domain/cart.test.ts', 'vitest.config.ts', 'eslint.config.mjs', 'README.md'].map((f) => isShippingFile(root, `${root}/${f}`))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('the workspace packages a file imports', () => {
  it('finds imports, re-exports, type imports, dynamic imports, requires and side-effect imports, once each', () => {
    const source = [
      "import { a } from '@shop/common';",
      "import type { B } from \"@shop/contracts\";",
      "export * from '@shop/events';",
      "const lazy = await import('@shop/auth');",
      "const verifier = require('@shop/aws');",
      "import '@shop/platform';",
      "import { again } from '@shop/common';",
      "import { deep } from '@shop/testing/src/inner';",
      "import { other } from '@shopify/thing';",
      "// a comment naming shop/common",
    ].join('\n');
    expect(shopImports(source).sort()).toEqual(['@shop/auth', '@shop/aws', '@shop/common', '@shop/contracts', '@shop/events', '@shop/platform', '@shop/testing']);
  });
});

describe('what a change ships', () => {
  const graph = {
    roots: { service: 'apps/service', lib: 'libs/lib', testing: 'libs/testing', tool: 'tools/tool' },
    dependencies: { service: ['lib'], lib: [], testing: ['lib'], tool: ['testing'] },
  };

  it("is nothing for a change to a service's tests", () => {
    expect(shippingAffected(['apps/service/test/handler.test.ts', 'apps/service/README.md'], graph)).toEqual(new Set());
  });

  it('is a lib and whatever ships it, transitively, for a change to its code', () => {
    expect(shippingAffected(['libs/lib/src/index.ts'], graph)).toEqual(new Set(['lib', 'service', 'testing', 'tool']));
  });

  it('stays with the testing lib and its users for a change to it: no service ships it', () => {
    expect(shippingAffected(['libs/testing/src/index.ts'], graph)).toEqual(new Set(['testing', 'tool']));
  });

  it('is unknown for a file of no project (a root configuration file)', () => {
    expect(shippingAffected(['apps/service/src/a.ts', 'tsconfig.base.json'], graph)).toBeUndefined();
  });
});

describe('the shipping graph of a workspace', () => {
  it("follows production imports, package.json dependencies and implicit dependencies, not tests' imports or devDependencies", () => {
    const repo = mkdtempSync(join(tmpdir(), 'deploy-plan-shipping-'));
    onTestFinished(() => rmSync(repo, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(repo, file)), { recursive: true });
      writeFileSync(join(repo, file), text);
    };
    write('libs/a/package.json', JSON.stringify({ name: '@shop/a' }));
    write('libs/b/package.json', JSON.stringify({ name: '@shop/b' }));
    write('libs/t/package.json', JSON.stringify({ name: '@shop/t' }));
    write('apps/s/package.json', JSON.stringify({ name: '@shop/s', dependencies: { '@shop/b': '*', zod: '^4' }, devDependencies: { '@shop/t': '*' } }));
    write('apps/s/src/handler.ts', "import { a } from '@shop/a';\n");
    write('apps/s/test/handler.test.ts', "import { t } from '@shop/t';\n");
    write('apps/s/src/handler.test.ts', "import { t } from '@shop/t';\n");
    write('libs/t/src/index.ts', "export * from '@shop/a';\n");
    execFileSync('git', ['init', '-q'], { cwd: repo });

    const found = shippingGraph(repo, {
      s: { root: 'apps/s' },
      a: { root: 'libs/a' },
      b: { root: 'libs/b' },
      t: { root: 'libs/t' },
      infra: { root: 'infra', implicitDependencies: ['s'] },
    });
    expect(found.dependencies).toEqual({ s: ['a', 'b'], a: [], b: [], t: ['a'], infra: ['s'] });
  });
});
