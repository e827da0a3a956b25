import { join } from 'node:path';
import { buildSync, type BuildOptions } from 'esbuild';
import type { Bundle } from './cold-start';

/** The name the SDK floor goes by in tables. */
export const FLOOR_NAME = 'DynamoDB document client alone (SDK floor)';

/**
 * The bundling options of every service's `build` target (apps/<service>/project.json) that shape
 * what a bundle loads; a test holds them to the services' own. `alias` is relative to the
 * repository root, as it is there.
 */
export const SERVICE_BUILD_OPTIONS = {
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  mainFields: ['module', 'main'],
  alias: { '@aws-sdk/credential-provider-node': './libs/aws/src/lambda-credentials.ts' },
} as const satisfies BuildOptions;

const ENTRY = join(__dirname, 'reference', 'dynamodb-document-client.ts');

/**
 * Bundles the SDK floor into `dir`, as a service's build would: a handler with the DynamoDB
 * document client and environment credentials, and nothing else. Measured beside hello-world in
 * the same rounds, it shows how much of a handler's cold start the SDK takes before the shop adds
 * anything, so a handler's figure can be read as a multiple of it too.
 */
export function buildFloorBundle(dir: string, repositoryRoot: string = process.cwd()): Bundle {
  const path = join(dir, 'dynamodb-document-client.js');
  buildSync({
    ...SERVICE_BUILD_OPTIONS,
    mainFields: [...SERVICE_BUILD_OPTIONS.mainFields],
    alias: { '@aws-sdk/credential-provider-node': join(repositoryRoot, SERVICE_BUILD_OPTIONS.alias['@aws-sdk/credential-provider-node']) },
    entryPoints: [ENTRY],
    bundle: true,
    outfile: path,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return { service: 'reference', handler: 'dynamodb-document-client', name: FLOOR_NAME, path };
}
