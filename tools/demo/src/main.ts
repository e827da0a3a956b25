import { SEED_ADMIN, startLocalCloud } from '@shop/local-cloud';
import { runWalkthrough } from './walkthrough';

/**
 * `npm run demo`: the walkthrough against the shop of `npm start` when one answers on
 * http://127.0.0.1:3000 (or at `SHOP_API_URL`), or against a local cloud of its own, started here
 * and stopped at the end.
 */
const DEFAULT_API = 'http://127.0.0.1:3000';

async function isLocalCloud(apiUrl: string): Promise<boolean> {
  try {
    const answer = await fetch(`${apiUrl}/_local/outbox`, { signal: AbortSignal.timeout(2_000) });
    return answer.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const print = (line: string) => console.log(line);
  const wanted = process.env['SHOP_API_URL'] ?? DEFAULT_API;
  if (await isLocalCloud(wanted)) {
    print(`Using the shop running at ${wanted} (npm start).`);
    await runWalkthrough({ apiUrl: wanted, staff: SEED_ADMIN, print });
    return;
  }
  print(`No shop answers at ${wanted}; starting a local cloud for the demo (about 15 s)…`);
  const cloud = await startLocalCloud({
    // Failed notifications are retried after seconds, not minutes; everything else is as npm start runs it.
    asyncRetryDelaySeconds: 2,
    log: () => undefined,
    onFunctionLog: () => undefined,
  });
  try {
    await runWalkthrough({ apiUrl: cloud.apiUrl, staff: SEED_ADMIN, print });
  } finally {
    await cloud.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`the demo stopped: ${(error as Error).message}`);
  process.exitCode = 1;
});
