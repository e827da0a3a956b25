import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot, loadManifests } from '@shop/manifests';
import { generatedDocs } from './generated-docs';

// `npm run docs`: rewrites the generated documents from the manifests.
async function main(): Promise<void> {
  const repoRoot = findRepoRoot();
  for (const [path, text] of Object.entries(generatedDocs(await loadManifests(repoRoot)))) {
    writeFileSync(join(repoRoot, path), text);
    console.log(`wrote ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
