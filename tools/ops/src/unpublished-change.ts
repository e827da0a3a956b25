import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod';
import type { StreamRange } from './stream-range';

/**
 * The two kinds of message in order-events' `unpublished-changes` dead-letter queue:
 *
 * - Lambda's on-failure record, when the stream mapping gave up on a batch after its retries: not
 *   the records, only where they lie (`DDBStreamBatchInfo`: the shard, the first and last sequence
 *   numbers, the stream), as the local cloud writes it too
 *   (tools/local-cloud/src/dynamodb-streams/stream-failure-record.ts);
 * - a poison record, which publish-order-events keeps whole, as Lambda gave it, when it can make
 *   no valid event (`{kind: "poison-record", reason, keptAt, record}`,
 *   apps/order-events/src/adapters/sqs-unpublished-changes.ts).
 */

export type UnpublishedChange =
  | { kind: 'batch'; range: StreamRange }
  | { kind: 'poison-record'; reason: string; record: DynamoDBRecord }
  | { kind: 'unknown'; why: string };

const SequenceNumber = z.string().regex(/^\d+$/, 'a sequence number is a decimal number');

const OnFailureRecord = z.object({
  DDBStreamBatchInfo: z.object({
    shardId: z.string().min(1),
    startSequenceNumber: SequenceNumber,
    endSequenceNumber: SequenceNumber,
    streamArn: z.string().min(1),
  }),
});

const PoisonRecord = z.object({
  kind: z.literal('poison-record'),
  reason: z.string(),
  // Passed on to the function as it was kept: only what says it is a stream record is checked.
  record: z.looseObject({ eventSourceARN: z.string(), dynamodb: z.looseObject({ SequenceNumber: z.string() }) }),
});

export function unpublishedChange(body: string | undefined): UnpublishedChange {
  let message: unknown;
  try {
    message = JSON.parse(body ?? '');
  } catch {
    return { kind: 'unknown', why: 'the body is not JSON' };
  }
  const poison = PoisonRecord.safeParse(message);
  if (poison.success) return { kind: 'poison-record', reason: poison.data.reason, record: poison.data.record as DynamoDBRecord };
  const failure = OnFailureRecord.safeParse(message);
  if (failure.success) return { kind: 'batch', range: failure.data.DDBStreamBatchInfo };
  return {
    kind: 'unknown',
    why:
      (message as { kind?: unknown } | null)?.kind === 'poison-record'
        ? `a poison record with no stream record in it (${z.prettifyError(poison.error).replaceAll('\n', ' ')})`
        : "neither Lambda's on-failure record (DDBStreamBatchInfo) nor a poison record",
  };
}
