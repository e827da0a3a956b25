import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findRepoRoot, loadManifests } from '@shop/platform';
import { generatedFiles } from './generated-docs';

// `npm run docs`: rewrites the generated documents, the API client's types and the architecture graph from the manifests.
async function main(): Promise<void> {
  // The checkout npm runs the script in, not the one libs/platform's files are in: in a worktree
  // whose node_modules links to another checkout, those are the other checkout's.
  const repoRoot = findRepoRoot(process.cwd());
  for (const [path, text] of Object.entries(await generatedFiles(await loadManifests(repoRoot)))) {
    mkdirSync(dirname(join(repoRoot, path)), { recursive: true });
    writeFileSync(join(repoRoot, path), text);
    console.log(`wrote ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
