/**
 * Percentiles as CloudWatch and the local metrics page compute them: nearest rank, so that every
 * figure is a latency some request really had, not an interpolation between two.
 */

/** The `p`th percentile (0 < p ≤ 100) of `values` by nearest rank: the smallest value with at least p% of the values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in (0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

/** The middle value, or the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

export interface LatencySummary {
  count: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
}

/** The figures the load tool prints for a set of latencies (milliseconds). */
export function summarize(latencies: readonly number[]): LatencySummary {
  if (latencies.length === 0) throw new RangeError('no latencies to summarize');
  return {
    count: latencies.length,
    median: median(latencies),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
  };
}
