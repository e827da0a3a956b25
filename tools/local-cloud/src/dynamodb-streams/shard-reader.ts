import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as SdkStreamRecord,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { functionArn } from '../lambda-runtime';
import { batchOutcome, type InvocationAnswer } from '../sqs/batch-response';
import { lambdaStreamRecord } from '@shop/aws';
import { streamFailureRecord } from './stream-failure-record';
import type { StreamBatchInfo, StreamPollerOptions } from './stream-poller';

/**
 * One shard of a stream mapping: reads the shard in order, one batch at a time, and does not
 * move past a batch until the function took it, or the retries ran out and the batch went to
 * the on-failure destination. See stream-poller.ts for what the mapping does as a whole.
 */

/** GetRecords answers at most 1000 records. */
const MAX_RECORDS_PER_READ = 1000;
const PAUSE_AFTER_ERROR_MS = 1_000;

export type ShardStart = 'TRIM_HORIZON' | 'LATEST';

export class ShardReader {
  /** performance.now() when a read began that found nothing new, with nothing left to deliver. */
  caughtUpAt = Number.NEGATIVE_INFINITY;
  finished = false;
  running?: Promise<void>;
  private iterator?: string;
  private closed = false;
  /** The last record read, to read on after it when an iterator has to be taken again. */
  private lastRead?: string;
  private readonly buffer: SdkStreamRecord[] = [];
  private bufferedSince = 0;

  constructor(
    readonly shardId: string,
    readonly parentShardId: string | undefined,
    private readonly startAt: ShardStart,
    private readonly options: StreamPollerOptions,
    private readonly signal: AbortSignal,
    private readonly log: (line: string) => void,
  ) {}

  /** Marks a shard that LATEST skips (closed before the mapping started) as read. */
  skip(): void {
    this.finished = true;
  }

  start(onFinished: () => void): void {
    this.running ??= this.run()
      .catch((error: Error) => this.log(`${this.name}: reading stopped: ${error.stack ?? error.message}`))
      .then(onFinished);
  }

  private get name(): string {
    return `${this.options.functionName} ← ${this.shardId}`;
  }

  private async run(): Promise<void> {
    const { batchSize, maxBatchingWindowSeconds = 0, pollIntervalMs = 250 } = this.options;
    while (!this.signal.aborted) {
      try {
        if (!this.closed && this.buffer.length < batchSize) await this.read();
      } catch (error) {
        if (this.signal.aborted) break;
        // An iterator lives 15 minutes, and a trimmed record cannot be read: take a new one.
        if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) this.iterator = undefined;
        this.log(`${this.name}: reading the shard failed (${(error as Error).message}); trying again`);
        if (!(await this.pause(PAUSE_AFTER_ERROR_MS))) break;
        // What was read before still goes out.
        if (this.buffer.length === 0) continue;
      }
      const windowPassed = Date.now() - this.bufferedSince >= maxBatchingWindowSeconds * 1000;
      if (this.buffer.length > 0 && (this.buffer.length >= batchSize || this.closed || windowPassed)) {
        await this.deliver(this.buffer.splice(0, batchSize), 0);
        this.bufferedSince = Date.now();
        continue;
      }
      if (this.closed && this.buffer.length === 0) {
        this.finished = true;
        return;
      }
      if (!(await this.pause(pollIntervalMs))) break;
    }
  }

  private async read(): Promise<void> {
    const readStarted = performance.now();
    this.iterator ??= await this.takeIterator();
    const { Records = [], NextShardIterator } = await this.options.streams.send(
      new GetRecordsCommand({ ShardIterator: this.iterator, Limit: MAX_RECORDS_PER_READ }),
      { abortSignal: this.signal },
    );
    this.iterator = NextShardIterator;
    // No next iterator: the shard is closed and read to its end.
    if (!NextShardIterator) this.closed = true;
    if (Records.length > 0) {
      if (this.buffer.length === 0) this.bufferedSince = Date.now();
      this.buffer.push(...Records);
      this.lastRead = Records[Records.length - 1]?.dynamodb?.SequenceNumber ?? this.lastRead;
    } else if (this.buffer.length === 0) {
      this.caughtUpAt = readStarted;
    }
  }

  private async takeIterator(): Promise<string | undefined> {
    const type: ShardIteratorType = this.lastRead ? 'AFTER_SEQUENCE_NUMBER' : this.startAt;
    const { ShardIterator } = await this.options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: this.shardId,
        ShardIteratorType: type,
        ...(this.lastRead && { SequenceNumber: this.lastRead }),
      }),
      { abortSignal: this.signal },
    );
    return ShardIterator;
  }

  /**
   * Invokes the function with `records` until it takes them: a partial batch response retries
   * from the lowest failed sequence number; a function error retries the whole batch, or with
   * `bisectBatchOnError` splits it in two, each half delivered on its own; a split does not use
   * up a retry (AWS: "splitting a batch does not consume the retry quota"). `retries` counts
   * the retries these records already had.
   */
  private async deliver(records: readonly SdkStreamRecord[], retries: number): Promise<void> {
    const { runtime, functionName, streamArn, region, bisectBatchOnError, maximumRetryAttempts, retryDelayMs = 1_000 } = this.options;
    let batch = records;
    for (;;) {
      // Stopping: what is left is not delivered (AWS would go on from its checkpoint; see stream-poller.ts).
      if (this.signal.aborted) return;
      const requestId = randomUUID();
      const event: DynamoDBStreamEvent = { Records: batch.map((r) => lambdaStreamRecord(r, { streamArn, region })) };
      const result: InvocationAnswer = await runtime.invoke(functionName, event, { requestId, trace: null }).catch((error: Error) => ({
        ok: false as const,
        error: { errorType: error.name, errorMessage: error.message },
      }));
      const sequenceNumbers = batch.map(sequenceNumber);
      const outcome = batchOutcome(result, sequenceNumbers);
      const firstFailed =
        outcome.failed === 'all' ? 0 : outcome.messageIds.size === 0 ? batch.length : sequenceNumbers.findIndex((s) => outcome.messageIds.has(s));
      this.options.onBatch?.(batchInfo(this.shardId, requestId, batch, retries + 1, firstFailed, outcome.failed === 'all' ? outcome.reason : undefined));
      if (firstFailed === batch.length) return;

      const remaining = batch.slice(firstFailed);
      const reason = outcome.failed === 'all' ? outcome.reason : `record ${sequenceNumbers[firstFailed]} reported failed`;
      if (this.signal.aborted) {
        this.log(`${this.name}: ${remaining.length} record(s) failed (${reason}) while stopping; not retried`);
        return;
      }
      if (bisectBatchOnError && !result.ok && remaining.length > 1) {
        const half = Math.ceil(remaining.length / 2);
        this.log(`${this.name}: a batch of ${remaining.length} failed (${reason}); retrying it in halves`);
        await this.deliver(remaining.slice(0, half), retries);
        await this.deliver(remaining.slice(half), retries);
        return;
      }
      if (maximumRetryAttempts !== -1 && retries >= maximumRetryAttempts) {
        return this.abandon(remaining, { requestId, invokeCount: retries + 1, functionError: !result.ok, reason });
      }
      retries++;
      this.log(`${this.name}: ${remaining.length} record(s) failed (${reason}); retry ${retries}${maximumRetryAttempts === -1 ? '' : ` of ${maximumRetryAttempts}`}`);
      if (!(await this.pause(retryDelayMs))) return;
      batch = remaining;
    }
  }

  /** Retries ran out: tell the on-failure destination where the records lie, and move past them. */
  private async abandon(
    records: readonly SdkStreamRecord[],
    last: { requestId: string; invokeCount: number; functionError: boolean; reason: string },
  ): Promise<void> {
    const { onFailure, streamArn, functionName, region } = this.options;
    const range = `${sequenceNumber(records[0])}..${sequenceNumber(records[records.length - 1])}`;
    const record = streamFailureRecord({
      records,
      shardId: this.shardId,
      streamArn,
      functionArn: functionArn(functionName, region),
      requestId: last.requestId,
      approximateInvokeCount: last.invokeCount,
      functionError: last.functionError,
    });
    if (!onFailure) {
      this.log(`${this.name}: STREAM RECORDS DISCARDED: ${records.length} record(s) ${range} failed ${last.invokeCount} time(s) (${last.reason}); no on-failure destination`);
      return;
    }
    const body = JSON.stringify(record);
    try {
      await onFailure.sqs.send(new SendMessageCommand({ QueueUrl: onFailure.queueUrl, MessageBody: body }));
      this.log(`${this.name}: ${records.length} record(s) ${range} failed ${last.invokeCount} time(s) (${last.reason}); sent to the on-failure queue`);
    } catch (error) {
      this.log(`${this.name}: STREAM FAILURE NOT DELIVERED: sending to ${onFailure.queueUrl} failed (${(error as Error).message}); record: ${body}`);
    }
  }

  /** Waits `ms`; false when the mapping stopped meanwhile. */
  private async pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.signal });
      return true;
    } catch {
      return false;
    }
  }
}

function sequenceNumber(record: SdkStreamRecord | undefined): string {
  return record?.dynamodb?.SequenceNumber ?? '';
}

function batchInfo(
  shardId: string,
  requestId: string,
  batch: readonly SdkStreamRecord[],
  attempt: number,
  firstFailed: number,
  error: string | undefined,
): StreamBatchInfo {
  return {
    shardId,
    requestId,
    size: batch.length,
    firstSequenceNumber: sequenceNumber(batch[0]),
    lastSequenceNumber: sequenceNumber(batch[batch.length - 1]),
    attempt,
    outcome: error !== undefined ? 'error' : firstFailed === batch.length ? 'success' : 'partial',
    ...(error !== undefined && { error }),
    ...(error === undefined && firstFailed < batch.length && { firstFailedSequenceNumber: sequenceNumber(batch[firstFailed]) }),
  };
}
