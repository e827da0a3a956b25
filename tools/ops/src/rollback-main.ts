import { LambdaClient } from '@aws-sdk/client-lambda';
import { loadManifests, parseRef, physicalName } from '@shop/platform';
import { parseOptions, regionFromEnvironment, stageOption, UsageError } from './options';
import { rollback } from './rollback';

/** The alias infra points every trigger at (infra/src/stacks/lambda-runtime.ts). */
const LIVE_ALIAS = 'live';

// `npm run rollback -- --stage dev --function order-service/create-order [--version 41]`, with
// credentials for the stage's account and AWS_REGION set.
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), ['stage', 'function', 'version']);
  const stage = stageOption(options.stage);
  if (!options.function) throw new UsageError('--function is required: <service>/<function>, e.g. order-service/create-order');
  let ref: { service: string; name: string };
  try {
    ref = parseRef(options.function);
  } catch {
    throw new UsageError(`--function is "${options.function}": expected <service>/<function>, e.g. order-service/create-order`);
  }
  const manifest = (await loadManifests()).find((m) => m.name === ref.service);
  if (!manifest?.functions[ref.name]) throw new UsageError(`no service declares the function ${options.function}`);
  if (options.version !== undefined && !/^\d+$/.test(options.version)) throw new UsageError(`--version is "${options.version}": expected a version number`);
  const region = regionFromEnvironment();

  const functionName = physicalName(stage, ref.service, ref.name);
  const lambda = new LambdaClient({ region });
  try {
    const moved = await rollback(lambda, { functionName, alias: LIVE_ALIAS, ...(options.version && { version: options.version }) });
    console.log(`${functionName}:${LIVE_ALIAS} now runs version ${moved.to} (was ${moved.from}).`);
    console.log(`the next deploy of ${ref.service} moves it to the newest version again. Undo: npm run rollback -- --stage ${stage} --function ${options.function} --version ${moved.from}`);
  } finally {
    lambda.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`rollback: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
