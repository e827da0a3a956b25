/**
 * The local cloud the load tool measures, in a process of its own: the gateway, the Lambda
 * runtime and the emulators then do not share an event loop with the driver, whose timers would
 * otherwise fire late whenever the cloud is busy and count its lag twice. Prints one line,
 * `LOAD_CLOUD {json}`, once it is up; stops on SIGINT or SIGTERM, or when its parent goes away
 * (stdin closes).
 */
import { startLocalCloud } from '@shop/local-cloud';

/** The line the driver waits for; what follows it is a `CloudReady`. */
export const READY_PREFIX = 'LOAD_CLOUD ';

export interface CloudReady {
  apiUrl: string;
  admin: { email: string; password: string };
}

async function main(): Promise<void> {
  const cloud = await startLocalCloud({ onFunctionLog: () => undefined });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void cloud.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  if (!cloud.seeded) throw new Error('the local cloud was started without its seeded accounts');
  const ready: CloudReady = { apiUrl: cloud.apiUrl, admin: { email: cloud.seeded.admin.email, password: cloud.seeded.admin.password } };
  console.log(`${READY_PREFIX}${JSON.stringify(ready)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
