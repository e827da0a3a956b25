import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceManifest } from '@shop/common';
import { findRepoRoot, loadManifests } from '@shop/manifests';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedDocs } from '@shop/docs-gen/src/generated-docs';

const repoRoot = findRepoRoot();
let manifests: ServiceManifest[];

beforeAll(async () => {
  manifests = await loadManifests(repoRoot);
});

// Here, not in docs-gen's unit tests: this suite runs whenever any service changes (its manifest may have).
describe('the committed documents', () => {
  it.each(['docs/openapi.json', 'docs/architecture.md'])('%s is what the generator makes from the manifests now', (path) => {
    const committed = readFileSync(join(repoRoot, path), 'utf8');
    const expected = generatedDocs(manifests)[path];
    expect(committed === expected, `${path} is out of date with the manifests: run \`npm run docs\``).toBe(true);
  });

  it('come out the same on every run', () => {
    expect(generatedDocs(manifests)).toEqual(generatedDocs([...manifests].reverse()));
  });
});
