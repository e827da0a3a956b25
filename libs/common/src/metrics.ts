/**
 * Metrics in CloudWatch's Embedded Metric Format (EMF): a JSON log line with an `_aws` directive,
 * which CloudWatch Logs turns into metrics as it ingests the line, with no API call and nothing to
 * batch or retry. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * Every metric of the shop is in namespace `Shop` with dimensions `service` and `stage` (what
 * infra's alarms and the checkout dashboard read: infra/src/monitoring). A line goes to stdout
 * before `flush()` returns, so a metric flushed is a metric written, whatever the handler does next.
 */

import { EXPECTED_ERRORS_METRIC } from '@shop/platform';
import type { TriggerType } from './triggers/invocation';

export const METRICS_NAMESPACE = 'Shop';

/** The CloudWatch units the shop uses; `None` for amounts such as cents. */
export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

/** One value of one metric, with dimensions of its own beyond `service` and `stage` (a currency, a trigger kind). */
export interface MetricValue {
  name: string;
  unit: MetricUnit;
  value: number;
  dimensions?: Record<string, string>;
}

/** EMF's limits: 100 metrics in a document, 100 values per metric, 30 dimensions in a set. */
const MAX_METRICS_PER_DOCUMENT = 100;
const MAX_VALUES_PER_METRIC = 100;

/** One EMF document: the directive and, at the root, the dimension values and each metric's value(s). */
export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: MetricUnit }[] }[];
  };
  [member: string]: unknown;
}

/**
 * The EMF documents for `values`: one per set of dimensions, each metric with all its values (as
 * an array when there are several: CloudWatch counts each as a sample, so sums and percentiles are
 * right), split where a document would pass EMF's limits. Pure, for the writer and the tests.
 */
export function emfDocuments(
  values: readonly MetricValue[],
  context: { namespace: string; dimensions: Record<string, string>; timestamp: number },
): EmfDocument[] {
  const groups = new Map<string, { dimensions: Record<string, string>; metrics: Map<string, { unit: MetricUnit; values: number[] }> }>();
  for (const value of values) {
    if (!Number.isFinite(value.value)) throw new RangeError(`metric ${value.name}: ${value.value} is not a finite number`);
    const dimensions = { ...context.dimensions, ...value.dimensions };
    const key = JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));
    const group = groups.get(key) ?? { dimensions, metrics: new Map() };
    groups.set(key, group);
    const metric = group.metrics.get(value.name) ?? { unit: value.unit, values: [] };
    if (metric.unit !== value.unit) throw new RangeError(`metric ${value.name}: written in ${metric.unit} and in ${value.unit}`);
    metric.values.push(value.value);
    group.metrics.set(value.name, metric);
  }

  const documents: EmfDocument[] = [];
  for (const { dimensions, metrics } of groups.values()) {
    // Each document takes at most 100 values of a metric and 100 metrics: what is left goes in the next.
    const pending = [...metrics].map(([name, m]) => ({ name, unit: m.unit, values: m.values }));
    while (pending.some((m) => m.values.length > 0)) {
      const batch = pending.filter((m) => m.values.length > 0).slice(0, MAX_METRICS_PER_DOCUMENT);
      const document: EmfDocument = {
        _aws: {
          Timestamp: context.timestamp,
          CloudWatchMetrics: [
            { Namespace: context.namespace, Dimensions: [Object.keys(dimensions)], Metrics: batch.map(({ name, unit }) => ({ Name: name, Unit: unit })) },
          ],
        },
        ...dimensions,
      };
      for (const metric of batch) {
        const taken = metric.values.splice(0, MAX_VALUES_PER_METRIC);
        document[metric.name] = taken.length === 1 ? taken[0] : taken;
      }
      documents.push(document);
    }
  }
  return documents;
}

export interface MetricsOptions {
  namespace?: string;
  /** Dimensions of every metric; by default `service` and `stage` from the function's environment. */
  dimensions?: Record<string, string>;
  /** Where a line goes; by default stdout, synchronously. */
  write?: (line: string) => void;
  now?: () => number;
}

/**
 * Lambda's stdout is a pipe, which Node writes synchronously on Linux: the line has left the
 * process when this returns, so nothing waits in a buffer when the function ends or dies.
 */
function writeToStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** `service` and `stage` as every function gets them (function-environment.ts: SERVICE_NAME, STAGE). */
export function functionDimensions(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { service: env['SERVICE_NAME'] ?? 'unknown', stage: env['STAGE'] ?? 'unknown' };
}

/**
 * Gathers metric values and writes them as EMF lines on `flush()`. A function adds what it decided
 * while it works and flushes before it answers: `flushAfter` does that even when the work throws, so
 * what was added is never lost.
 */
export class Metrics {
  private values: MetricValue[] = [];
  private readonly namespace: string;
  private readonly dimensions: Record<string, string> | undefined;
  private readonly write: (line: string) => void;
  private readonly now: () => number;

  constructor(options: MetricsOptions = {}) {
    this.namespace = options.namespace ?? METRICS_NAMESPACE;
    this.dimensions = options.dimensions;
    this.write = options.write ?? writeToStdout;
    this.now = options.now ?? Date.now;
  }

  add(value: MetricValue): void {
    this.values.push(value);
  }

  /** Writes what was added (nothing when nothing was) and starts afresh. */
  flush(): void {
    const values = this.values;
    this.values = [];
    if (values.length === 0) return;
    // Read per flush, not at construction: a module-level instance outlives test set-ups and env changes.
    const dimensions = this.dimensions ?? functionDimensions();
    for (const document of emfDocuments(values, { namespace: this.namespace, dimensions, timestamp: this.now() })) {
      this.write(JSON.stringify(document));
    }
  }

  /** Runs `work`, then flushes whatever it added, also when it throws. */
  async flushAfter<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.flush();
    }
  }
}

/** The process-wide metrics, written to stdout; a handler adds to it and flushes before it answers. */
export const metrics = new Metrics();

/** What triggered an invocation: the manifest's trigger types (`http`, `queue`, `table-stream`, …), as the wrappers tell them apart. */
export type TriggerKind = TriggerType;

/** The technical metrics of one invocation, named as CloudWatch shows them in namespace `Shop`. */
export const INVOCATION_METRICS = { invocations: 'Invocations', coldStarts: 'ColdStarts', errors: 'Errors', retries: 'Retries' } as const;

export interface InvocationOutcome {
  triggerKind: TriggerKind;
  coldStart: boolean;
  /** The invocation failed (threw, or reported failed records). */
  error: boolean;
  /**
   * Deliveries in it that are known repeats: SQS records received before (`ApproximateReceiveCount`
   * > 1); 0 when none. A stream batch carries no count of its retries, so for streams this stays 0:
   * their retries show as the Errors of the invocations that asked for them, and in `IteratorAge`.
   */
  retries?: number;
}

/**
 * Writes one invocation's technical metrics at once, one EMF line: Invocations, ColdStarts, Errors
 * and Retries, by `trigger` (besides `service` and `stage`) so that errors read by trigger kind, and
 * with the function's name as a property (searchable in Logs Insights, not a dimension: a dimension
 * per function would multiply the metrics that cost money). For the handler wrappers to call as an
 * invocation ends, whichever way it ends.
 */
export function recordInvocation(outcome: InvocationOutcome, options: MetricsOptions = {}): void {
  const dimensions = { ...(options.dimensions ?? functionDimensions()), trigger: outcome.triggerKind };
  const values: MetricValue[] = [
    { name: INVOCATION_METRICS.invocations, unit: 'Count', value: 1 },
    { name: INVOCATION_METRICS.coldStarts, unit: 'Count', value: outcome.coldStart ? 1 : 0 },
    { name: INVOCATION_METRICS.errors, unit: 'Count', value: outcome.error ? 1 : 0 },
    { name: INVOCATION_METRICS.retries, unit: 'Count', value: outcome.retries ?? 0 },
  ];
  writeLine(values, dimensions, options, withFunctionName());
}

/** One more error of a trigger kind: a failed invocation, or one failed record of a batch. */
export function recordError(triggerKind: TriggerKind, options: MetricsOptions = {}): void {
  const dimensions = { ...(options.dimensions ?? functionDimensions()), trigger: triggerKind };
  writeLine([{ name: INVOCATION_METRICS.errors, unit: 'Count', value: 1 }], dimensions, options, withFunctionName());
}

/**
 * One invocation that ended in a named error of the function's contract (OutOfStock,
 * OrderCancelled, PaymentWindowClosed), which its caller branches on: `ExpectedErrors` = 1 with
 * dimensions `service`, `stage` and `function` (the physical name, as `AWS/Lambda` names it in
 * `FunctionName`), and the error's name as a property. Lambda counts such an invocation in its
 * Errors like a crash; infra's alarm on a function's errors takes this metric off, so that a
 * sold-out product pages nobody while a timeout, a crash or a bug still does
 * (infra/src/monitoring/thresholds.ts). Its timestamp is the invocation's start, the minute in
 * which Lambda counts the invocation.
 */
export function recordExpectedError(outcome: { errorType: string; startedAt: number }, options: MetricsOptions = {}): void {
  const dimensions = { ...(options.dimensions ?? functionDimensions()), function: process.env['AWS_LAMBDA_FUNCTION_NAME'] ?? 'unknown' };
  writeLine([{ name: EXPECTED_ERRORS_METRIC, unit: 'Count', value: 1 }], dimensions, { ...options, now: () => outcome.startedAt }, { errorType: outcome.errorType });
}

/** The function's name as a property of a line (not a dimension), when Lambda gave one. */
function withFunctionName(): Record<string, string> {
  const functionName = process.env['AWS_LAMBDA_FUNCTION_NAME'];
  return functionName ? { function: functionName } : {};
}

/** One EMF line of a few values that share their dimensions (they fit one document), with properties beside them. */
function writeLine(values: readonly MetricValue[], dimensions: Record<string, string>, options: MetricsOptions, properties: Record<string, string>): void {
  const [document] = emfDocuments(values, { namespace: options.namespace ?? METRICS_NAMESPACE, dimensions, timestamp: (options.now ?? Date.now)() });
  (options.write ?? writeToStdout)(JSON.stringify({ ...document, ...properties }));
}

let coldStart = true;

/** True the first time it is asked in this instance (the module was just loaded), false after. */
export function takeColdStart(): boolean {
  const first = coldStart;
  coldStart = false;
  return first;
}
