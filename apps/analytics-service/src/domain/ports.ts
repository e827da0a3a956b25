import type { Report } from '@shop/contracts';
import type { MetricIncrement } from './metrics';
import type { MetricRow } from './report';

export interface MetricsStore {
  /**
   * Adds the increments, all or none, unless `sourceId` (an event id) was counted before: each
   * event counts once however often it is delivered.
   */
  record(sourceId: string, increments: readonly MetricIncrement[]): Promise<'recorded' | 'duplicate'>;
  /** Every metric of the days, as kept: a sharded metric in one row per shard written (see `unshardedMetric`). */
  read(days: readonly string[]): Promise<MetricRow[]>;
}

export interface ReportStore {
  save(report: Report): Promise<void>;
}
