/**
 * `npm run soak`: starts a local cloud of its own, drives a soak through it, prints the figures and
 * exits non-zero on any violation.
 *
 *   npm run soak                          200 checkouts, with faults
 *   npm run soak -- --orders 500 --seed 7
 *   npm run soak -- --no-faults
 *   SOAK_LOG=1 npm run soak            with what the local cloud and the functions log
 */
import { startLocalCloud } from '@shop/local-cloud';
import { report, runSoak } from './soak';
import { soakTarget } from './target';

const PAYMENT_WINDOW_SECONDS = 20;

function parseArgs(argv: readonly string[]): { orders: number; seed: number; faults: boolean; concurrency: number } {
  const options = { orders: 200, seed: Date.now() % 100_000, faults: true, concurrency: 12 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = Number(argv[i + 1]);
    if (arg === '--no-faults') options.faults = false;
    else if (arg === '--faults') options.faults = true;
    else if (arg === '--orders' && Number.isInteger(value) && value > 0) {
      options.orders = value;
      i++;
    } else if (arg === '--seed' && Number.isInteger(value)) {
      options.seed = value;
      i++;
    } else if (arg === '--concurrency' && Number.isInteger(value) && value > 0) {
      options.concurrency = value;
      i++;
    } else throw new Error(`unknown or bad option ${arg}; options: --orders N, --seed N, --concurrency N, --faults, --no-faults`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(`[soak] ${line}`);
  log(`${options.orders} checkouts, seed ${options.seed}, faults ${options.faults ? 'on' : 'off'}; starting a local cloud`);
  const cloud = await startLocalCloud({
    paymentWindowSeconds: PAYMENT_WINDOW_SECONDS,
    sqsRetryDelaySeconds: 1,
    asyncRetryDelaySeconds: 1,
    streamRetryDelaySeconds: 1,
    // SOAK_LOG=1: what the local cloud and every function say, to find where a violation came from.
    ...(process.env['SOAK_LOG'] === '1'
      ? { log: (line: string) => console.log(`[local-cloud] ${line}`), onFunctionLog: (l) => console.log(`[${l.functionName}] ${l.line}`) }
      : { onFunctionLog: () => undefined }),
  });
  let violated = 1;
  try {
    const result = await runSoak(soakTarget(cloud, PAYMENT_WINDOW_SECONDS), {
      orders: options.orders,
      seed: options.seed,
      faults: options.faults,
      httpConcurrency: options.concurrency,
      log,
    });
    console.log(`\n${report(result)}`);
    violated = result.violated;
  } finally {
    await cloud.stop();
  }
  process.exit(violated === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
