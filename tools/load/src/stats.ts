/**
 * Percentiles as CloudWatch and the local metrics page compute them: nearest rank, so that every
 * figure is a latency some request really had, not an interpolation between two.
 */

import { median, percentile } from '@shop/bench';

// One nearest-rank percentile and one median for the repository's figures: the bench's.
export { median, percentile };

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
