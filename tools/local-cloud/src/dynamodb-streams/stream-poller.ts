import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeStreamCommand, type DynamoDBStreamsClient, type Shard } from '@aws-sdk/client-dynamodb-streams';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaRuntime } from '../lambda-runtime';
import { ShardReader } from './shard-reader';

/**
 * A DynamoDB stream event source mapping with `FunctionResponseTypes: ['ReportBatchItemFailures']`,
 * against DynamoDB Local's stream API: it finds the stream's shards (and the new ones as
 * shards roll over), reads each in order, a child only once its parent is read to the end (so
 * the changes to one item arrive in the order they were made), and invokes the function
 * synchronously with one batch at a time per shard, as a DynamoDBStreamEvent. What the
 * function answers decides what comes again (see shard-reader.ts).
 *
 * Left out: `MaximumRecordAgeInSeconds` and the stream's 24-hour retention (with -1 retries, a
 * failing batch is retried until the mapping stops), `ParallelizationFactor` (always 1),
 * tumbling windows, filter criteria, SNS and S3 destinations, and checkpoints kept across
 * restarts (a mapping started again begins at its starting position; records in work when it
 * stopped are not delivered).
 */

export interface StreamPollerOptions {
  streams: DynamoDBStreamsClient;
  runtime: LambdaRuntime;
  /** Physical name of the consuming function. */
  functionName: string;
  streamArn: string;
  batchSize: number;
  /** Seconds to gather records before invoking; 0 invokes with what one read brought. */
  maxBatchingWindowSeconds?: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Retries of a failing batch before it goes to `onFailure`; -1 retries until the mapping stops. */
  maximumRetryAttempts: number;
  bisectBatchOnError: boolean;
  /** Where a batch that kept failing is reported (shard and sequence numbers, not the records). */
  onFailure?: { queueUrl: string; sqs: SQSClient };
  region: string;
  /** How often an idle shard is read, and the stream's shards looked up; 250 ms, as Lambda reads 4 times a second. */
  pollIntervalMs?: number;
  /** Wait before a retry, so that a failing function does not spin; 1 s by default. */
  retryDelayMs?: number;
  /** Problems and failures; standard error by default, so that a discarded batch is never silent. */
  log?: (line: string) => void;
  /** Called after every invocation (for tracing). */
  onBatch?: (info: StreamBatchInfo) => void;
}

export interface StreamBatchInfo {
  shardId: string;
  requestId: string;
  size: number;
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  /** 1 for the first invocation of these records, then one more for each retry (splits do not count). */
  attempt: number;
  outcome: 'success' | 'partial' | 'error';
  /** For `partial`: where the retry starts. */
  firstFailedSequenceNumber?: string;
  /** For `error`: the function error, or why its answer could not be used. */
  error?: string;
}

export class StreamPoller {
  private readonly readers = new Map<string, ShardReader>();
  private readonly aborter = new AbortController();
  private readonly log: (line: string) => void;
  private readonly pollIntervalMs: number;
  private running?: Promise<void>;
  /** performance.now() when the last complete DescribeStream began. */
  private discoveredAt = Number.NEGATIVE_INFINITY;
  private discoveries = 0;

  /** Throws a RangeError for settings Lambda's CreateEventSourceMapping would refuse. */
  constructor(private readonly options: StreamPollerOptions) {
    const { batchSize, maximumRetryAttempts } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new RangeError(`${options.functionName}: batchSize must be 1-10000, not ${batchSize}`);
    }
    if (!Number.isInteger(maximumRetryAttempts) || maximumRetryAttempts < -1 || maximumRetryAttempts > 10_000) {
      throw new RangeError(`${options.functionName}: maximumRetryAttempts must be -1 (until the record expires) or 0-10000, not ${maximumRetryAttempts}`);
    }
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Polls no more; a batch in work finishes (a failure then is not retried). */
  async stop(): Promise<void> {
    this.aborter.abort();
    await this.running;
    await Promise.all([...this.readers.values()].map((reader) => reader.running));
  }

  /**
   * Resolves once every record written before the call was delivered (taken by the function
   * or given up on): each shard has been read to its end since, with nothing left to deliver.
   * With LATEST, it also tells that the mapping holds its starting position. It waits as long
   * as a failing batch is retried; it resolves at once when the mapping is stopped.
   */
  async idle(): Promise<void> {
    const since = performance.now();
    while (!this.aborter.signal.aborted) {
      const readers = [...this.readers.values()];
      if (this.discoveredAt >= since && readers.every((r) => r.finished || r.caughtUpAt >= since)) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, this.pollIntervalMs)));
    }
  }

  private get name(): string {
    return `${this.options.streamArn} → ${this.options.functionName}`;
  }

  private async run(): Promise<void> {
    const signal = this.aborter.signal;
    while (!signal.aborted) {
      try {
        await this.discover();
      } catch (error) {
        if (signal.aborted) break;
        this.log(`${this.name}: describing the stream failed (${(error as Error).message}); trying again`);
      }
      this.startReadyShards();
      try {
        await sleep(this.pollIntervalMs, undefined, { signal });
      } catch {
        break;
      }
    }
  }

  /** Adds the shards not seen yet. At the first look, LATEST skips the closed ones and starts the open ones at their tip. */
  private async discover(): Promise<void> {
    const started = performance.now();
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.options.streams.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ...(exclusiveStartShardId && { ExclusiveStartShardId: exclusiveStartShardId }) }),
        { abortSignal: this.aborter.signal },
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);

    const first = this.discoveries++ === 0;
    for (const shard of shards) {
      const shardId = shard.ShardId;
      if (!shardId || this.readers.has(shardId)) continue;
      // Shards that appear later were made after the mapping started: they are read whole.
      const latest = first && this.options.startingPosition === 'LATEST';
      const reader = new ShardReader(shardId, shard.ParentShardId, latest ? 'LATEST' : 'TRIM_HORIZON', this.options, this.aborter.signal, this.log);
      if (latest && shard.SequenceNumberRange?.EndingSequenceNumber) reader.skip();
      this.readers.set(shardId, reader);
    }
    this.discoveredAt = started;
  }

  /** A shard is read once its parent is read to the end, or its parent is gone from the stream. */
  private startReadyShards(): void {
    if (this.aborter.signal.aborted) return;
    for (const reader of this.readers.values()) {
      if (reader.finished || reader.running) continue;
      const parent = reader.parentShardId ? this.readers.get(reader.parentShardId) : undefined;
      if (parent && !parent.finished) continue;
      reader.start(() => this.startReadyShards());
    }
  }
}
