import { loadManifests } from '@shop/platform';
import { ApiClient } from '@shop/testing';
import { drive, type DriveResult } from './driver';
import { faultPlan } from './fault-plan';
import { judge, type Judgement } from './invariants';
import { SQSClient } from '@aws-sdk/client-sqs';
import { declaredDeadLetterQueues, inFlight, type Observation, observe, queueDepths, sinceBaseline } from './observe';
import { makeScenario, type Scenario } from './scenario';
import { readStockLedger, stockLedgerTables } from './stock-ledger';
import type { SoakTarget } from './target';

export interface SoakOptions {
  orders: number;
  /** Arm the fault plan (fault-plan.ts); off, the soak drives the same mix without faults. */
  faults: boolean;
  seed: number;
  httpConcurrency?: number;
  /** How long to wait for the shop to go quiet after the last checkout, beyond its payment window. */
  quietTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  scenario: Scenario;
  drive: DriveResult;
  observation: Observation;
  judgement: Judgement;
  /** Milliseconds: driving, then waiting for quiet. */
  durations: { drive: number; quiet: number; total: number };
  /** Still moving when the wait for quiet gave up (empty when it went quiet). */
  stillMoving: string[];
  violated: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A soak: drives `orders` checkouts through the shop while the fault plan fires, waits until
 * nothing moves any more, and judges the invariants on what it then sees.
 */
export async function runSoak(target: SoakTarget, options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const api = new ApiClient(target.apiUrl);
  const started = Date.now();
  const scenario = makeScenario(options.orders, options.seed);
  const plan = faultPlan(options.orders);
  // What the queues held before the soak: in a shared local cloud (the e2e suite's), earlier tests
  // leave dead letters on purpose. The soak judges what came after.
  const sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: target.sqsEndpoint });
  const baseline = await queueDepths(sqs, target.stage).finally(() => sqs.destroy());
  const look = async (orderIds: readonly string[]) => {
    const seen = await observe(target, orderIds);
    return { ...seen, queues: sinceBaseline(seen.queues, baseline) };
  };
  const arm = async (specs: unknown[]) => {
    const armed = await api.post('/_local/faults', specs);
    if (armed.status !== 201) throw new Error(`arming faults answered ${armed.status}: ${JSON.stringify(armed.body)}`);
  };

  // The waves follow each other through the payment window, when checkouts are placed, paid,
  // cancelled and expire: each burst replaces what the last one left unfired (bursts never add up
  // beyond the retries), and DynamoDB pauses halfway between two bursts.
  const spacingMs = (target.paymentWindowSeconds * 1000) / plan.length;
  const waves: NodeJS.Timeout[] = [];
  let armed = Promise.resolve();
  const schedule = (atMs: number, task: () => Promise<void>) => {
    waves.push(setTimeout(() => (armed = armed.then(task).catch((error: unknown) => log(`arming faults failed: ${String(error)}`))), atMs));
  };
  let driven: DriveResult;
  const startWaves = () =>
    plan.forEach((wave, i) => {
      schedule(i * spacingMs, async () => {
        await api.delete('/_local/faults');
        await arm(wave.burst);
        log(`fault wave ${i + 1} of ${plan.length}: ${wave.burst.length} faults armed`);
      });
      schedule((i + 0.5) * spacingMs, () => arm(wave.midway));
    });
  try {
    driven = await drive(scenario, {
      apiUrl: target.apiUrl,
      admin: target.admin,
      httpConcurrency: options.httpConcurrency ?? 12,
      log,
      ...(options.faults && { onCheckoutsBegin: startWaves }),
    });
  } finally {
    // Faults not fired by now would only hit the wait for quiet.
    for (const wave of waves) clearTimeout(wave);
    await armed;
    await api.delete('/_local/faults').catch(() => undefined);
  }
  const drove = Date.now();
  log(`driven in ${((drove - started) / 1000).toFixed(1)} s: ${driven.orders.length} orders, ${driven.requests} requests; waiting for the shop to go quiet`);

  const orderIds = driven.orders.map((o) => o.orderId);
  const deadLetterQueues = declaredDeadLetterQueues(await loadManifests(), target.stage);
  const deadline = Date.now() + target.paymentWindowSeconds * 1000 + (options.quietTimeoutMs ?? 120_000);
  let observation = await look(orderIds);
  let stillMoving = inFlight(observation, deadLetterQueues);
  let calm = 0;
  while (Date.now() < deadline) {
    // Quiet twice in a row, a few seconds apart: nothing was merely between two hops.
    calm = stillMoving.length === 0 ? calm + 1 : 0;
    if (calm >= 2) break;
    await sleep(3000);
    observation = await look(orderIds);
    const moving = inFlight(observation, deadLetterQueues);
    if (moving.join() !== stillMoving.join()) log(moving.length ? `still moving: ${moving.join('; ')}` : 'quiet');
    stillMoving = moving;
  }
  const quiet = Date.now();

  const stock = await readStockLedger({ dynamodbEndpoint: target.dynamodbEndpoint, tables: stockLedgerTables(target.stage) }, { productIds: driven.productIds });
  const judgement = judge(observation, stock, deadLetterQueues, driven);
  if (stillMoving.length > 0) {
    judgement.invariants.unshift({ name: 'the shop goes quiet', checked: 1, violations: [`still moving after the wait: ${stillMoving.join('; ')}`] });
  }
  const violated = judgement.invariants.reduce((sum, i) => sum + i.violations.length, 0);
  return {
    scenario,
    drive: driven,
    observation,
    judgement,
    durations: { drive: drove - started, quiet: quiet - drove, total: quiet - started },
    stillMoving,
    violated,
  };
}

/** The soak's figures as a table, and every violation. */
export function report(result: SoakResult): string {
  const { observation, judgement, drive: driven } = result;
  const rows: [string, string][] = [];
  const byStatus = new Map<string, number>();
  for (const order of observation.orders.values()) byStatus.set(order.status, (byStatus.get(order.status) ?? 0) + 1);
  const byPayment = new Map<string, number>();
  for (const order of observation.orders.values()) byPayment.set(order.payment?.status ?? 'none', (byPayment.get(order.payment?.status ?? 'none') ?? 0) + 1);
  const refunds = observation.charges.flatMap((c) => c.refunds);
  rows.push(['seed', String(result.scenario.seed)]);
  rows.push(['checkouts driven', `${result.scenario.checkouts.length} (${driven.orders.length} placed, ${driven.unplaced.length} refused at the cart or POST /orders)`]);
  rows.push(['orders by status', [...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')]);
  const failedBy = new Map<string, number>();
  for (const order of observation.orders.values()) {
    if (order.status !== 'PAYMENT_FAILED') continue;
    const reason = (order.reason ?? 'no reason given').replace(/[0-9a-f-]{36}/g, '…');
    failedBy.set(reason, (failedBy.get(reason) ?? 0) + 1);
  }
  if (failedBy.size) rows.push(['payment failed, by reason', [...failedBy].map(([r, n]) => `${n}× ${r}`).join('; ')]);
  rows.push(['orders by payment', [...byPayment].map(([s, n]) => `${s} ${n}`).join(', ')]);
  rows.push(['provider: charges', `${observation.charges.length} (${observation.charges.filter((c) => c.status === 'succeeded').length} succeeded)`]);
  rows.push(['provider: refunds', `${refunds.length} (${refunds.filter((r) => r.status === 'succeeded').length} succeeded, ${refunds.filter((r) => r.status === 'failed').length} failed and retried)`]);
  rows.push(['left to a person (incident)', judgement.incidents.size ? [...judgement.incidents].map(([k, ids]) => `${k} ${ids.length}`).join(', ') : 'none']);
  rows.push(['HTTP requests', `${driven.requests} (${Object.entries(driven.answersByStatus).map(([s, n]) => `${s}×${n}`).join(' ')})`]);
  const fired = Object.entries(observation.faultsFired);
  rows.push(['faults fired', fired.length ? `${fired.reduce((sum, [, n]) => sum + n, 0)}: ${fired.map(([k, n]) => `${k} ${n}`).join(', ')}` : 'none']);
  for (const invariant of judgement.invariants) rows.push([`✔/✘ ${invariant.name}`, `${invariant.checked} checked, ${invariant.violations.length} violated`]);
  rows.push(['time', `${(result.durations.total / 1000).toFixed(1)} s (driving ${(result.durations.drive / 1000).toFixed(1)} s, going quiet ${(result.durations.quiet / 1000).toFixed(1)} s)`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${(k.startsWith('✔/✘') ? k.replace('✔/✘', v.endsWith(' 0 violated') ? '✔' : '✘') : k).padEnd(width)}  ${v}`);
  const violations = judgement.invariants.flatMap((i) => i.violations.map((v) => `  ✘ ${i.name}: ${v}`));
  return [...lines, ...(violations.length ? ['', `${violations.length} violation(s):`, ...violations.slice(0, 50)] : ['', '0 violated'])].join('\n');
}
