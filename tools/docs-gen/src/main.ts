import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot, loadServices } from '@shop/local-cloud/src/services';
import { generatedDocs } from './generated-docs';

// `npm run docs`: rewrites the generated documents from the manifests.
async function main(): Promise<void> {
  const repoRoot = findRepoRoot();
  for (const [path, text] of Object.entries(generatedDocs(await loadServices(repoRoot)))) {
    writeFileSync(join(repoRoot, path), text);
    console.log(`wrote ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
