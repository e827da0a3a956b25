/**
 * `npm run load`: issue 14's figures on this machine, and the budgets CI holds.
 *
 *   npm run load                         everything: start-up, checkout, reads, cart writes
 *   npm run load -- --only cart,reads    some of it (start, checkout, reads, cart)
 *   npm run load -- --check              exit 1 when a CI-held budget is passed (nx run load:budget)
 *   npm run load -- --checkouts 20 --seconds 30 --read-rate 100 --write-rate 50
 *
 * It first times `npm start`'s CLI to ready on its own, then starts a local cloud (the one the
 * end-to-end tests use) in a process of its own, signs up its customers, and measures each part
 * after a warm-up, driving it from this process.
 */
import { randomUUID } from 'node:crypto';
import { findRepoRoot } from '@shop/platform';
import { ApiClient, newCustomer, signIn } from '@shop/testing';
import { cartWrites, catalogueReads, measureLoad, measureLoadCounting } from './api-load';
import { judge, type LoadReport } from './budgets';
import { measureCheckouts } from './checkout-latency';
import { startCloudChild } from './cloud-child';
import { formatReport } from './format';
import { expectStatus, send, sleep } from './http';
import { measureStartUp } from './start-up';

const PARTS = ['start', 'checkout', 'reads', 'cart'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  parts: Set<Part>;
  check: boolean;
  checkouts: number;
  seconds: number;
  readRate: number;
  writeRate: number;
  customers: number;
  products: number;
}

const USAGE = 'options: --only start,checkout,reads,cart · --check · --checkouts N (≥ 10) · --seconds S · --read-rate R · --write-rate W · --customers N · --products N';

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { parts: new Set(PARTS), check: false, checkouts: 10, seconds: 20, readRate: 100, writeRate: 50, customers: 10, products: 5 };
  const numbers: Record<string, 'checkouts' | 'seconds' | 'readRate' | 'writeRate' | 'customers' | 'products'> = {
    '--checkouts': 'checkouts',
    '--seconds': 'seconds',
    '--read-rate': 'readRate',
    '--write-rate': 'writeRate',
    '--customers': 'customers',
    '--products': 'products',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const key = numbers[arg];
    if (arg === '--check') options.check = true;
    else if (arg === '--only') {
      const parts = (argv[++i] ?? '').split(',');
      const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
      if (unknown.length > 0 || parts.length === 0) throw new Error(`--only takes some of ${PARTS.join(',')}, not ${argv[i]}`);
      options.parts = new Set(parts as Part[]);
    } else if (key) {
      const value = Number(argv[++i]);
      if (!(value > 0)) throw new Error(`${arg} takes a positive number, not ${argv[i]}`);
      options[key] = value;
    } else throw new Error(`unknown option ${arg}; ${USAGE}`);
  }
  if (options.checkouts < 10) throw new Error('--checkouts: at least 10, for a median worth the name');
  return options;
}

const WARM_UP_MS = 5_000;

/**
 * The sum of a metric the functions wrote, as the local console adds it up (0 before the first
 * value), over the series whose dimensions include `dimensions`.
 */
async function metricSum(apiUrl: string, service: string, name: string, dimensions: Record<string, string> = {}): Promise<number> {
  const answer = await expectStatus<{ metrics: { sum: number; dimensions: Record<string, string> }[] }>(
    send(apiUrl, 'GET', `/_local/metrics?service=${service}&name=${name}`),
    200,
    'GET /_local/metrics',
  );
  return answer.metrics.filter((m) => Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v)).reduce((sum, m) => sum + m.sum, 0);
}

/** What the cart writes cost beyond their own answers: lost races, and product-service/get-products invocations (its only invoke-triggered function). */
async function cartCounters(apiUrl: string): Promise<{ conflicts: number; catalogueInvokes: number }> {
  // The functions' metric lines reach the console a moment after their answers.
  await sleep(1000);
  return {
    conflicts: await metricSum(apiUrl, 'cart-service', 'CartWriteConflicts'),
    catalogueInvokes: await metricSum(apiUrl, 'product-service', 'Invocations', { trigger: 'invoke' }),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(`[load] ${line}`);
  const report: LoadReport = {};

  if (options.parts.has('start')) {
    log('npm start: spawning the local cloud CLI, alone on the machine, and timing it to ready');
    report.startUp = await measureStartUp(findRepoRoot());
  }

  if (['checkout', 'reads', 'cart'].some((p) => options.parts.has(p as Part))) {
    log('starting a local cloud in a process of its own');
    const cloud = await startCloudChild(findRepoRoot());
    try {
      const api = new ApiClient(cloud.apiUrl);
      const admin = await signIn(api, cloud.admin.email, cloud.admin.password);
      const productIds: string[] = [];
      for (let i = 0; i < options.products; i++) {
        const created = await admin.api.post('/products', { name: `Load probe ${i} ${randomUUID().slice(0, 4)}`, price: { amount: 1000 + i, currency: 'USD' }, stock: 100_000 });
        if (created.status !== 201) throw new Error(`POST /products answered ${created.status}`);
        productIds.push(created.body.productId as string);
      }
      log(`signing up ${options.customers} customers`);
      const customers = [];
      for (let i = 0; i < options.customers; i++) customers.push(await newCustomer(api, `Load ${i}`));

      if (options.parts.has('checkout')) {
        log(`${options.checkouts} checkouts, one at a time, after 2 to warm up`);
        const shoppers = [];
        for (let i = 0; i < 3; i++) shoppers.push({ apiUrl: cloud.apiUrl, token: (await newCustomer(api, `Checkout ${i}`)).token });
        report.checkout = await measureCheckouts(shoppers, productIds[0] as string, { count: options.checkouts, warmUp: 2 });
      }
      const durationMs = options.seconds * 1000;
      if (options.parts.has('reads')) {
        const phase = { ratePerSecond: options.readRate, durationMs, warmUpMs: WARM_UP_MS };
        const request = catalogueReads(cloud.apiUrl, productIds);
        log(`reads: ${phase.ratePerSecond} req/s for ${options.seconds} s, after ${WARM_UP_MS / 1000} s of warm-up`);
        report.reads = await measureLoad(phase, request);
      }
      if (options.parts.has('cart')) {
        const phase = { ratePerSecond: options.writeRate, durationMs, warmUpMs: WARM_UP_MS };
        const tokens = customers.map((c) => c.token);
        const request = cartWrites(cloud.apiUrl, tokens, productIds);
        log(`cart writes: ${phase.ratePerSecond} req/s for ${options.seconds} s, ${tokens.length} customers over ${productIds.length} products, after ${WARM_UP_MS / 1000} s of warm-up`);
        const { figures, counted } = await measureLoadCounting(phase, request, () => cartCounters(cloud.apiUrl));
        report.cartWrites = { ...figures, ...counted };
      }
    } finally {
      await cloud.stop();
    }
  }

  const budgets = judge(report);
  console.log(`\n${formatReport(report, budgets)}\n`);
  const over = budgets.filter((b) => b.kind === 'ci' && !b.ok);
  if (options.check && over.length > 0) {
    console.error(`[load] ${over.length} CI budget(s) passed: ${over.map((b) => b.name).join('; ')}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
