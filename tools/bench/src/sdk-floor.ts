import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import type { Bundle } from './cold-start';

/** The name the SDK floor goes by in tables. */
export const FLOOR_NAME = 'DynamoDB document client alone (SDK floor)';

/** Where every service's `build` target takes its shared esbuild options from (`esbuildConfig`), relative to the repository root. */
export const LAMBDA_BUNDLE_CONFIG = 'libs/aws/esbuild/lambda-bundle.cjs';

/**
 * The options of every service's `build` target (apps/<service>/project.json) that shape what a
 * bundle loads, beside the shared ones of `LAMBDA_BUNDLE_CONFIG`; a test holds them to the services' own.
 */
export const SERVICE_TARGET_OPTIONS = { platform: 'node', target: 'node22', format: 'cjs', minify: true } as const satisfies BuildOptions;

/** The shared esbuild options, as Nx loads them for a service's build. */
export function lambdaBundleOptions(repositoryRoot: string = process.cwd()): BuildOptions {
  return createRequire(__filename)(join(repositoryRoot, LAMBDA_BUNDLE_CONFIG)) as BuildOptions;
}

const ENTRY = join(__dirname, 'reference', 'dynamodb-document-client.ts');

/**
 * Bundles the SDK floor into `dir`, as a service's build would: a handler with the DynamoDB
 * document client and environment credentials, and nothing else. Measured beside hello-world in
 * the same rounds, it shows how much of a handler's cold start the SDK takes before the shop adds
 * anything, so a handler's figure can be read as a multiple of it too.
 */
export async function buildFloorBundle(dir: string, repositoryRoot: string = process.cwd()): Promise<Bundle> {
  const path = join(dir, 'dynamodb-document-client.js');
  await build({
    ...lambdaBundleOptions(repositoryRoot),
    ...SERVICE_TARGET_OPTIONS,
    entryPoints: [ENTRY],
    bundle: true,
    outfile: path,
    logLevel: 'warning',
  });
  return { service: 'reference', handler: 'dynamodb-document-client', name: FLOOR_NAME, path };
}
