/**
 * `npm start`: the whole shop on localhost, with demo data, until Ctrl-C.
 *
 *   npm start                      in memory, API on port 3000
 *   npm start -- --persist         keep data in .local-cloud/ across runs
 *   npm start -- --persist ./data  keep it elsewhere
 *   npm start -- --port 8080
 *   npm start -- --payment-window 60   orders wait 60 s for their payment instead of 15 min
 */
import { join, relative, resolve } from 'node:path';
import { findRepoRoot, loadManifests, physicalName } from '@shop/platform';
import { isPortFree } from './free-port';
import type { RuntimeLogLine } from './lambda-runtime';
import { type LocalCloud, type RequestLogEntry, startLocalCloud } from './local-cloud';
import { localWebOrigins } from './web/cors';
import { storefrontSite } from './web/storefront-site';

const DEFAULT_PORT = 3000;
const WEB_PORT = 3001;
const HOST = '127.0.0.1';
const STAGE = 'local';
const REPEATED_SIGNAL_MS = 1_000;

interface CliOptions {
  port: number;
  persistDir?: string;
  paymentWindowSeconds?: number;
  help: boolean;
}

const USAGE = `Usage: npm start -- [options]

Starts the shop on this machine: DynamoDB Local, cognito-local, SQS, Step Functions,
EventBridge, SNS, SES (into an outbox), the scheduler, the payment provider simulator, every
service's Lambda functions and the HTTP API, with an admin, a manager and a few products.

Options:
  --persist [dir]  keep data across runs in <dir> (default .local-cloud/ in the repository)
  --port <n>       port of the HTTP API (default ${DEFAULT_PORT}; a free one if that is taken)
  --payment-window <seconds>
                   how long an order waits for its payment (default 900)
  --help           show this and exit
`;

export function parseArgs(argv: readonly string[], repoRoot: string): CliOptions {
  const options: CliOptions = { port: DEFAULT_PORT, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--persist') {
      // The directory is optional: take the next argument only when it is not another flag.
      if (next !== undefined && !next.startsWith('-')) {
        options.persistDir = resolve(next);
        i++;
      } else options.persistDir = join(repoRoot, '.local-cloud');
    } else if (arg === '--port') {
      const port = Number(next);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port needs a port number, got ${next}`);
      options.port = port;
      i++;
    } else if (arg === '--payment-window') {
      const seconds = Number(next);
      if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`--payment-window needs a number of seconds, got ${next}`);
      options.paymentWindowSeconds = seconds;
      i++;
    } else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

async function main(): Promise<void> {
  const repoRoot = findRepoRoot();
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2), repoRoot);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }

  for (const service of await loadManifests(repoRoot)) {
    for (const fn of Object.keys(service.functions)) shortNames.set(physicalName(STAGE, service.name, fn), fn);
  }

  let apiPort = options.port;
  if (!(await isPortFree(apiPort, HOST))) {
    console.warn(paint('yellow', `port ${apiPort} is taken; the API will listen on a free port instead`));
    apiPort = 0;
  }

  // Ctrl-C while starting: finish starting, then stop cleanly. A second Ctrl-C exits at
  // once; the emulators' exit hooks still kill their process groups.
  let cloud: LocalCloud | undefined;
  let firstSignalAt: number | undefined;
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (!cloud || stopping) return;
    stopping = true;
    console.log('\nstopping…');
    try {
      await cloud.stop();
      console.log('stopped');
      process.exit(0);
    } catch (error) {
      console.error(`stopping failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstSignalAt !== undefined) {
      // npm, npx and tsx pass a signal on to us besides the terminal sending it to the whole
      // foreground group, so one Ctrl-C can arrive twice within a moment: not a second one.
      if (signal === 'SIGINT' && Date.now() - firstSignalAt > REPEATED_SIGNAL_MS) {
        console.error('\nforced exit');
        process.exit(1);
      }
      return;
    }
    firstSignalAt = Date.now();
    if (cloud) void shutdown();
    else console.log('\nwill stop as soon as start-up has finished (Ctrl-C again to force)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const web = await storefrontSite({ repoRoot, host: HOST, port: WEB_PORT });
  console.log(paint('dim', `starting the local cloud${options.persistDir ? `, data in ${relative(process.cwd(), options.persistDir) || '.'}` : ''}…`));
  const started = Date.now();
  try {
    cloud = await startLocalCloud({
      stage: STAGE,
      host: HOST,
      apiPort,
      ...(options.persistDir && { persistDir: options.persistDir }),
      ...(options.paymentWindowSeconds && { paymentWindowSeconds: options.paymentWindowSeconds }),
      log: (line) => console.log(paint('dim', `  ${line}`)),
      onFunctionLog: printFunctionLog,
      onRequest: printRequest,
      webOrigins: localWebOrigins(web.origin),
    });
  } catch (error) {
    console.error(paint('red', `\nthe local cloud did not start: ${(error as Error).message}`));
    process.exit(1);
  }
  if (firstSignalAt !== undefined) return shutdown();
  const site = await web.start(cloud.apiUrl).catch((error: unknown) => (console.warn(paint('yellow', `the storefront is not served: ${(error as Error).message}`)), undefined));
  printBanner(cloud, Date.now() - started, options.persistDir, site?.url);
  cloud.outbox.onMessage((message) => {
    const what = message.channel === 'email' ? `e-mail "${message.subject ?? ''}"` : `SMS "${message.text}"`;
    console.log(paint('cyan', `  OUTBOX ${what} to ${message.to.join(', ')}`) + paint('dim', `  (${cloud?.apiUrl}/_local/outbox)`));
  });
}

function printBanner(cloud: LocalCloud, startMs: number, persistDir: string | undefined, storefront: string | undefined): void {
  const api = cloud.apiUrl;
  const seeded = cloud.seeded;
  const lines = [
    '',
    paint('bold', `  The shop is running (stage ${cloud.stage}, started in ${(startMs / 1000).toFixed(1)} s)`),
    '',
    ...(storefront ? [`  Shop       ${paint('cyan', storefront)}  (the storefront, admin panel and live view in your browser)`] : []),
    `  API        ${paint('cyan', api)}`,
    `  DynamoDB   ${cloud.endpoints.dynamodb}`,
    `  Cognito    ${cloud.endpoints.cognito}  (pool ${cloud.userPool.id}, client ${cloud.userPool.clientId})`,
    `  Lambda     ${cloud.endpoints.lambda}`,
    `  SQS        ${cloud.endpoints.sqs}`,
    `  Step Fns   ${cloud.endpoints.stepFunctions}`,
    `  Events     ${cloud.endpoints.eventBridge}  (bus ${cloud.eventBusName}); SNS ${cloud.endpoints.sns}`,
    `  Payments   ${cloud.paymentProvider.url}  (simulator; webhooks to ${api}/payment/webhook)`,
    `  Outbox     ${api}/_local/outbox  (the e-mails and SMS the shop sent; SES at ${cloud.endpoints.ses})`,
    `  Trace      ${api}/_local/trace?correlationId=<id>  (every invocation and what carried it)`,
    `  Data       ${persistDir ? `kept in ${persistDir}` : 'in memory (--persist keeps it)'}`,
  ];
  if (seeded) {
    lines.push(
      '',
      `  Accounts   ${seeded.admin.email} / ${seeded.admin.password}  (${seeded.admin.role})`,
      `             ${seeded.manager.email} / ${seeded.manager.password}  (${seeded.manager.role})`,
      '',
      ...seeded.products.map((p, i) => `  ${i === 0 ? 'Products' : '        '}   ${p.productId}  ${p.name}`),
    );
    const login = JSON.stringify({ email: seeded.admin.email, password: seeded.admin.password });
    const product = JSON.stringify({ name: 'Milk Jug', price: { amount: 1500, currency: 'USD' }, stock: 10 });
    lines.push(
      '',
      '  Try it:',
      paint('dim', '    # sign in'),
      `    curl -s -X POST ${api}/users/login -H 'content-type: application/json' -d '${login}'`,
      paint('dim', '    # keep the token'),
      `    export TOKEN=$(curl -s -X POST ${api}/users/login -H 'content-type: application/json' -d '${login}' | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).token')`,
      paint('dim', '    # create a product'),
      `    curl -s -X POST ${api}/products -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '${product}'`,
    );
  }
  lines.push('', paint('dim', '  Ctrl-C stops everything.'), '');
  console.log(lines.join('\n'));
}

/** `POST /products → 201 (create-product, cold start, 123 ms)` */
function printRequest(e: RequestLogEntry): void {
  const fn = e.functionName ? shortFunctionName(e.functionName) : undefined;
  const details = [fn, e.coldStart ? 'cold start' : undefined, `${Math.round(e.durationMs)} ms`].filter(Boolean).join(', ');
  const color = e.status >= 500 ? 'red' : e.status >= 400 ? 'yellow' : 'green';
  console.log(`${e.method} ${e.path} → ${paint(color, String(e.status))} ${paint('dim', `(${details})`)}`);
}

const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

interface LogEntry {
  level?: unknown;
  message?: unknown;
  msg?: unknown;
  err?: { message?: unknown };
  status?: unknown;
  durationMs?: unknown;
}

/** A function's JSON log line as `  INFO   create-product  product created`; anything else as it came. */
function printFunctionLog(l: RuntimeLogLine): void {
  const fn = shortFunctionName(l.functionName);
  let entry: LogEntry | undefined;
  try {
    const parsed: unknown = JSON.parse(l.line);
    if (parsed && typeof parsed === 'object') entry = parsed as LogEntry;
  } catch {
    // Not JSON: a console.log or a runtime message.
  }
  // The shop's logger writes the level as a label; pino, by default, as a number.
  const level = typeof entry?.level === 'number' ? PINO_LEVELS[entry.level] : entry?.level;
  if (!entry || typeof level !== 'string') {
    console.log(paint(l.stream === 'stderr' ? 'yellow' : 'dim', `  ${l.stream === 'stderr' ? 'stderr' : 'log   '} ${fn}  ${l.line}`));
    return;
  }
  // The handler wrapper's per-request line says what the gateway's request line already said.
  if (level === 'info' && typeof entry.status === 'number' && typeof entry.durationMs === 'number') return;
  const text = [entry.message ?? entry.msg, entry.err?.message].filter((m) => typeof m === 'string' && m !== '').join(': ');
  const color = level === 'error' || level === 'fatal' ? 'red' : level === 'warn' ? 'yellow' : 'dim';
  console.log(paint(color, `  ${level.toUpperCase().padEnd(5)}  ${fn}  ${text}`));
}

/** Physical function names (`shop-local-product-service-create-product`) to manifest names (`create-product`). */
const shortNames = new Map<string, string>();

function shortFunctionName(physical: string): string {
  return shortNames.get(physical) ?? physical;
}

const COLORS = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;
const useColor = process.stdout.isTTY && !process.env['NO_COLOR'];

function paint(color: keyof typeof COLORS, text: string): string {
  return useColor ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
