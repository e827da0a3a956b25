import type { _Record as SdkStreamRecord } from '@aws-sdk/client-dynamodb-streams';

/**
 * What Lambda sends to a stream mapping's on-failure destination when it gives up on a batch:
 * not the records, but where they lie in the stream (shard and sequence numbers), so that a
 * person can read them again from there while the stream still holds them (24 hours).
 */
export interface StreamFailureRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetryAttemptsExhausted';
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError?: 'Unhandled' };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface AbandonedBatch {
  /** The records given up on, in stream order. */
  records: readonly SdkStreamRecord[];
  shardId: string;
  streamArn: string;
  functionArn: string;
  /** Of the last invocation. */
  requestId: string;
  approximateInvokeCount: number;
  /** Whether the last invocation ended in a function error (not a partial batch response). */
  functionError: boolean;
  at?: Date;
}

export function streamFailureRecord(batch: AbandonedBatch): StreamFailureRecord {
  const first = batch.records[0]?.dynamodb;
  const last = batch.records[batch.records.length - 1]?.dynamodb;
  return {
    requestContext: {
      requestId: batch.requestId,
      functionArn: batch.functionArn,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: batch.approximateInvokeCount,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(batch.functionError && { functionError: 'Unhandled' as const }) },
    version: '1.0',
    timestamp: (batch.at ?? new Date()).toISOString(),
    DDBStreamBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: first?.SequenceNumber ?? '',
      endSequenceNumber: last?.SequenceNumber ?? '',
      approximateArrivalOfFirstRecord: arrival(first?.ApproximateCreationDateTime),
      approximateArrivalOfLastRecord: arrival(last?.ApproximateCreationDateTime),
      batchSize: batch.records.length,
      streamArn: batch.streamArn,
    },
  };
}

/** Whole seconds, as AWS writes them: `2019-11-14T00:13:19Z`. */
function arrival(at: Date | undefined): string {
  return at ? at.toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}
