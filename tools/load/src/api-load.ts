import { type Answer, send } from './http';
import { runOpenLoop } from './open-loop';
import { type LatencySummary, summarize } from './stats';

export interface PhaseOptions {
  ratePerSecond: number;
  durationMs: number;
  /** At the same rate before the measured part, untimed: warm instances, as a running shop has. */
  warmUpMs: number;
}

export interface LoadFigures {
  requests: number;
  latency: LatencySummary;
  /** Answers other than the expected 2xx, 5xx included. */
  errors: number;
  /** Of which 5xx, or no answer at all (status 0). */
  serverErrors: number;
  /** By status, for the errors' cause. */
  statuses: Record<string, number>;
  /** The worst lag of the driver behind its schedule: more than a few ms and the figures measure the driver too. */
  maxStartLagMs: number;
}

export type Request = (index: number) => Promise<Answer>;

/** Runs `request` open-loop for the warm-up, then for the measured part, and sums up the measured part. */
export async function measureLoad(options: PhaseOptions, request: Request): Promise<LoadFigures> {
  await warmUp(options, request);
  return measured(options, request);
}

/**
 * As measureLoad, with what `count` counts (the functions' metrics) over the measured requests
 * alone: read once every warm-up request has answered, and again once every measured one has. A
 * figure per measured request then has the same requests above and below the line; counted from
 * before the warm-up, the warm-up's would inflate it.
 */
export async function measureLoadCounting<C extends Record<string, number>>(
  options: PhaseOptions,
  request: Request,
  count: () => Promise<C>,
): Promise<{ figures: LoadFigures; counted: C }> {
  await warmUp(options, request);
  const before = await count();
  const figures = await measured(options, request);
  const after = await count();
  const counted = Object.fromEntries(Object.entries(after).map(([name, value]) => [name, value - (before[name] ?? 0)])) as C;
  return { figures, counted };
}

async function warmUp(options: PhaseOptions, request: Request): Promise<void> {
  if (options.warmUpMs > 0) await runOpenLoop({ ratePerSecond: options.ratePerSecond, durationMs: options.warmUpMs }, request);
}

async function measured(options: PhaseOptions, request: Request): Promise<LoadFigures> {
  const samples = await runOpenLoop({ ratePerSecond: options.ratePerSecond, durationMs: options.durationMs }, request);
  const statuses: Record<string, number> = {};
  let errors = 0;
  let serverErrors = 0;
  for (const { outcome } of samples) {
    statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
    if (outcome.status < 200 || outcome.status > 299) errors++;
    if (outcome.status === 0 || outcome.status >= 500) serverErrors++;
  }
  return {
    requests: samples.length,
    latency: summarize(samples.map((s) => s.latencyMs)),
    errors,
    serverErrors,
    statuses,
    maxStartLagMs: Math.max(...samples.map((s) => s.startLagMs)),
  };
}

/** The catalogue as anyone reads it: the first page and one product, in turn. */
export function catalogueReads(apiUrl: string, productIds: readonly string[]): Request {
  return (i) => (i % 2 === 0 ? send(apiUrl, 'GET', '/products') : send(apiUrl, 'GET', `/products/${productIds[Math.floor(i / 2) % productIds.length]}`));
}

/**
 * Cart writes as a busy shop makes them: request i is customer i mod N adding one of product
 * (i div N) mod P, so each customer adds to its own cart every N arrivals, spread over P products.
 */
export function cartWrites(apiUrl: string, tokens: readonly string[], productIds: readonly string[]): Request {
  return (i) => {
    const token = tokens[i % tokens.length] as string;
    const productId = productIds[Math.floor(i / tokens.length) % productIds.length] as string;
    return send(apiUrl, 'POST', '/cart', { token, body: { productId, quantity: 1 } });
  };
}
