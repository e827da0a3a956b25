import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceManifest } from '@shop/platform';
import { findRepoRoot, loadManifests } from '@shop/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedFiles } from '@shop/docs-gen';

const repoRoot = findRepoRoot();
let manifests: ServiceManifest[];
let expected: Record<string, string>;

beforeAll(async () => {
  manifests = await loadManifests(repoRoot);
  expected = await generatedFiles(manifests);
});

// Here, not in docs-gen's unit tests: this suite runs whenever any service changes (its manifest may have).
describe('the committed generated files', () => {
  it.each([
    'docs/openapi.json',
    'docs/architecture.md',
    'libs/api-client/src/schema.ts',
    'libs/api-client/src/operations.ts',
    'apps/storefront/src/generated/architecture-graph.json',
    'shop-references.d.ts',
  ])('%s is what the generator makes from the manifests now', (path) => {
    const committed = readFileSync(join(repoRoot, path), 'utf8');
    expect(committed === expected[path], `${path} is out of date with the manifests: run \`npm run docs\``).toBe(true);
  });

  it('are every file the generator writes', () => {
    expect(Object.keys(expected).sort()).toEqual(
      [
        'apps/storefront/src/generated/architecture-graph.json',
        'docs/architecture.md',
        'docs/openapi.json',
        'libs/api-client/src/operations.ts',
        'libs/api-client/src/schema.ts',
        'shop-references.d.ts',
      ].sort(),
    );
  });

  it('come out the same on every run', async () => {
    expect(await generatedFiles([...manifests].reverse())).toEqual(expected);
  });
});
