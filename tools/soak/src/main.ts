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

/**
 * The payment window grows with the soak: every checkout starts within the first 3 s, and on two
 * cores the last of 200 reaches its payment about a minute and a half later. With a fixed 20 s
 * window most orders expired before they were paid, and the soak tested expiry, not the mix.
 * Half a second per order keeps the window longer than the drive (the late confirmations still
 * arrive after it), at 20 s for 40 orders.
 */
function paymentWindowSeconds(orders: number): number {
  return Math.max(20, Math.ceil(orders / 2));
}

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
  const windowSeconds = paymentWindowSeconds(options.orders);
  log(`${options.orders} checkouts, seed ${options.seed}, faults ${options.faults ? 'on' : 'off'}, payment window ${windowSeconds} s; starting a local cloud`);
  const cloud = await startLocalCloud({
    paymentWindowSeconds: windowSeconds,
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
    const result = await runSoak(soakTarget(cloud, windowSeconds), {
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
