import type { RuntimeLogLine } from './lambda-runtime';

/**
 * CloudWatch's part for metrics, on the laptop: the functions write their metrics as Embedded
 * Metric Format lines on stdout (libs/common/src/metrics.ts), and this reads them off the same
 * lines the trace reads, as CloudWatch Logs does when it ingests them, and adds them up per
 * namespace, metric and dimensions (`GET /_local/metrics`); with Lambda's own metrics of every
 * invocation beside them (`noteInvocation`).
 */

/** One metric series, as CloudWatch would graph it: its statistics over every value written. */
export interface MetricSeries {
  namespace: string;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  /** How many values were written (SampleCount). */
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Percentiles over the last values kept (`valuesKept`), nearest rank. */
  p50: number;
  p99: number;
}

/** Where Lambda writes its own metrics of every function. */
export const LAMBDA_NAMESPACE = 'AWS/Lambda';

interface Series {
  namespace: string;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  count: number;
  sum: number;
  min: number;
  max: number;
  values: number[];
}

interface Directive {
  Namespace?: unknown;
  Dimensions?: unknown;
  Metrics?: unknown;
}

export class MetricsCollector {
  private readonly series = new Map<string, Series>();

  /** `valuesKept`: values per series kept for the percentiles; the oldest go first. */
  constructor(private readonly valuesKept = 10_000) {}

  /** Takes the metrics of an EMF line; any other line is left alone. */
  noteLog(line: RuntimeLogLine): void {
    if (!line.line.startsWith('{') || !line.line.includes('"_aws"')) return;
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(line.line) as Record<string, unknown>;
    } catch {
      return;
    }
    const directives = (document['_aws'] as { CloudWatchMetrics?: unknown } | undefined)?.CloudWatchMetrics;
    if (!Array.isArray(directives)) return;
    for (const directive of directives as Directive[]) this.take(document, directive);
  }

  /**
   * Lambda's own metrics of one invocation, as AWS writes them in namespace `AWS/Lambda` with
   * dimension `FunctionName`: Invocations, Errors (1 for a function error of any kind: a thrown
   * error, a timeout, a crash) and Duration. What infra's function alarms read beside the shop's own.
   */
  noteInvocation(functionName: string, result: { ok: boolean; durationMs: number }): void {
    const dimensions = { FunctionName: functionName };
    this.add(LAMBDA_NAMESPACE, 'Invocations', 'Count', dimensions, [1]);
    this.add(LAMBDA_NAMESPACE, 'Errors', 'Count', dimensions, [result.ok ? 0 : 1]);
    this.add(LAMBDA_NAMESPACE, 'Duration', 'Milliseconds', dimensions, [result.durationMs]);
  }

  /** Every series, by namespace, name and dimensions; `namespace`, `service` and `name` narrow it. */
  list(filter: { namespace?: string; service?: string; name?: string } = {}): MetricSeries[] {
    return [...this.series.values()]
      .filter(
        (s) =>
          (!filter.namespace || s.namespace === filter.namespace) &&
          (!filter.service || s.dimensions['service'] === filter.service) &&
          (!filter.name || s.name === filter.name),
      )
      .map(({ values, ...s }) => {
        const sorted = [...values].sort((a, b) => a - b);
        return { ...s, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
      })
      .sort((a, b) => `${a.namespace} ${a.name} ${key(a.dimensions)}`.localeCompare(`${b.namespace} ${b.name} ${key(b.dimensions)}`));
  }

  private take(document: Record<string, unknown>, directive: Directive): void {
    if (typeof directive.Namespace !== 'string' || !Array.isArray(directive.Metrics)) return;
    // A directive with no dimension sets makes one series without dimensions, as CloudWatch does.
    const sets = Array.isArray(directive.Dimensions) && directive.Dimensions.length > 0 ? (directive.Dimensions as unknown[]) : [[]];
    for (const set of sets) {
      if (!Array.isArray(set)) continue;
      const dimensions: Record<string, string> = {};
      for (const name of set) {
        const value = document[String(name)];
        if (typeof value !== 'string') return; // CloudWatch rejects a document whose dimension is not a string member
        dimensions[String(name)] = value;
      }
      for (const metric of directive.Metrics as { Name?: unknown; Unit?: unknown }[]) {
        if (typeof metric.Name !== 'string') continue;
        const raw = document[metric.Name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        if (values.length > 0) this.add(directive.Namespace, metric.Name, typeof metric.Unit === 'string' ? metric.Unit : 'None', dimensions, values);
      }
    }
  }

  private add(namespace: string, name: string, unit: string, dimensions: Record<string, string>, values: number[]): void {
    const id = `${namespace}\n${name}\n${key(dimensions)}`;
    const series = this.series.get(id) ?? { namespace, name, unit, dimensions, count: 0, sum: 0, min: Infinity, max: -Infinity, values: [] };
    for (const value of values) {
      series.count += 1;
      series.sum += value;
      series.min = Math.min(series.min, value);
      series.max = Math.max(series.max, value);
      series.values.push(value);
    }
    if (series.values.length > this.valuesKept) series.values.splice(0, series.values.length - this.valuesKept);
    this.series.set(id, series);
  }
}

function key(dimensions: Record<string, string>): string {
  return Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}
