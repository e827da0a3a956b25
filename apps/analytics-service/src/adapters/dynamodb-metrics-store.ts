import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type ConflictDelay, jitteredConflictDelay, retryConflicts, tableAccess, type TableAccessOptions, transactionCancellationReasons } from '@shop/aws';
import { type MetricIncrement, metricShard, shardedMetric } from '../domain/metrics';
import type { MetricsStore } from '../domain/ports';
import type { MetricRow } from '../domain/report';

/** How long an event id is remembered: far longer than any redelivery comes. */
const REMEMBER_SECONDS = 30 * 24 * 3600;
/** DynamoDB's limit on the items of one transaction, the processed-event marker among them. */
const MAX_TRANSACTION_ITEMS = 100;

export class TooManyMetricsError extends Error {
  override readonly name = 'TooManyMetrics';
}

export interface DynamoMetricsStoreOptions extends TableAccessOptions<'metricsTable' | 'processedTable'> {
  now?: () => Date;
  /** The wait before each retry of a transaction that conflicted with another (tests make it 0). */
  conflictDelayMs?: ConflictDelay;
}

/**
 * The daily-metrics table behind the MetricsStore port. One transaction writes the event's
 * marker (only if absent) and every increment (`ADD`), so an event is counted entirely once:
 * a redelivery fails the marker's condition and changes nothing, and no failure counts half.
 * The metrics every order adds to go to the event's shard of them (`orders#paid#3`), so that
 * two events at once conflict only when they fall on the same shard.
 */
export function dynamoMetricsStore(options: DynamoMetricsStoreOptions = {}): MetricsStore {
  const { client, metricsTable, processedTable } = tableAccess(options, { metricsTable: 'daily-metrics', processedTable: 'processed-events' });
  const now = options.now ?? (() => new Date());
  const conflictDelayMs = options.conflictDelayMs ?? jitteredConflictDelay;

  return {
    async record(sourceId, increments) {
      const shard = metricShard(sourceId);
      const merged = merge(increments.map((increment) => ({ ...increment, metric: shardedMetric(increment.metric, shard) })));
      if (merged.length + 1 > MAX_TRANSACTION_ITEMS) {
        throw new TooManyMetricsError(`${sourceId} adds ${merged.length} metrics; one transaction takes ${MAX_TRANSACTION_ITEMS - 1}`);
      }
      const transaction = new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: processedTable(),
              Item: { eventId: sourceId, countedAt: now().toISOString(), expiresAt: Math.floor(now().getTime() / 1000) + REMEMBER_SECONDS },
              ConditionExpression: 'attribute_not_exists(eventId)',
            },
          },
          ...merged.map((m) => ({
            Update: {
              TableName: metricsTable(),
              Key: { day: m.day, metric: m.metric },
              UpdateExpression: m.label === undefined ? 'ADD #value :by' : 'ADD #value :by SET #label = :label',
              ExpressionAttributeNames: { '#value': 'value', ...(m.label === undefined ? {} : { '#label': 'label' }) },
              ExpressionAttributeValues: { ':by': m.by, ...(m.label === undefined ? {} : { ':label': m.label }) },
            },
          })),
        ],
      });
      try {
        // Two events on the same shard (or product) at once still conflict: the loser is tried again
        // here rather than sent back through Lambda's retries.
        await retryConflicts(() => client().send(transaction), conflictDelayMs);
        return 'recorded';
      } catch (error) {
        if (transactionCancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
        throw error;
      }
    },

    async read(days) {
      const rows: MetricRow[] = [];
      for (const day of days) {
        let startKey: Record<string, unknown> | undefined;
        do {
          const out = await client().send(
            new QueryCommand({
              TableName: metricsTable(),
              KeyConditionExpression: '#day = :day',
              ExpressionAttributeNames: { '#day': 'day' },
              ExpressionAttributeValues: { ':day': day },
              ConsistentRead: true,
              ...(startKey && { ExclusiveStartKey: startKey }),
            }),
          );
          rows.push(...((out.Items ?? []) as MetricRow[]));
          startKey = out.LastEvaluatedKey;
        } while (startKey);
      }
      return rows;
    },
  };
}

/** A transaction may touch an item once: increments of the same day and metric are added up first. */
function merge(increments: readonly MetricIncrement[]): MetricIncrement[] {
  const byKey = new Map<string, MetricIncrement>();
  for (const increment of increments) {
    const key = `${increment.day}\u0000${increment.metric}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, by: seen.by + increment.by } : { ...increment });
  }
  return [...byKey.values()];
}
