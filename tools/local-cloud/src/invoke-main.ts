/**
 * `npm run invoke -- <service>/<function> --event <file>` (see ./invoke.ts). The answer is the
 * only thing on stdout, so `npm run -s invoke -- … | jq` works; everything else goes to stderr.
 */
import { findRepoRoot, loadManifests } from '@shop/platform';
import { functionProblem, INVOKE_USAGE, invokeFunction, LogCollector, parseInvokeArgs, readEvent } from './invoke';
import { type LocalCloud, startLocalCloud } from './local-cloud';

async function main(): Promise<number> {
  // npm runs the script from the repository root; INIT_CWD is where the person typed the command.
  let options;
  try {
    options = parseInvokeArgs(process.argv.slice(2), process.env['INIT_CWD'] ?? process.cwd());
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${INVOKE_USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(INVOKE_USAGE);
    return 0;
  }
  let event: unknown;
  try {
    // The checkout npm runs the script in (its root), not the one libs/platform's files are in.
    const problem = functionProblem(await loadManifests(findRepoRoot(process.cwd())), options.service, options.function);
    if (problem) throw new Error(problem);
    event = readEvent(options.eventFile);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }

  const logs = new LogCollector();
  let cloud: LocalCloud | undefined;
  try {
    cloud = await startLocalCloud({
      seed: options.seed,
      onFunctionLog: logs.add,
      log: options.verbose ? (line) => console.error(line) : () => undefined,
    });
    const outcome = await invokeFunction(cloud, logs, options.service, options.function, event);
    console.error(`START RequestId: ${outcome.requestId} ${options.service}/${options.function}`);
    for (const line of outcome.logs) console.error(line);
    console.error(`END RequestId: ${outcome.requestId}${outcome.functionError ? ` (function error: ${outcome.functionError})` : ''}`);
    console.log(JSON.stringify(outcome.payload, null, 2));
    return outcome.functionError ? 1 : 0;
  } finally {
    await cloud?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
