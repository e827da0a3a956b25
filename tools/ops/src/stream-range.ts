import {
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type _Record as SdkStreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';

/**
 * Reads the records of one shard of a DynamoDB stream from one sequence number to another, both
 * included: where Lambda's on-failure record says a batch lay. A stream keeps its records 24
 * hours; a range that is (even in part) no longer there is answered as `gone`, with why, never as
 * the records that are left: replaying part of a batch would look like replaying all of it.
 */

export interface StreamRange {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

export type StreamRangeRead = { records: SdkStreamRecord[] } | { gone: string };

/** GetRecords answers at most 1000 records a call. */
const MAX_RECORDS_PER_READ = 1000;
/**
 * An open shard can answer an empty page before the records that follow: read on that many times
 * before deciding the range's end is not coming. Its records were written long before (they are
 * what a batch held), so the pages that hold them are there to be read.
 */
const MAX_EMPTY_READS = 10;

export async function readStreamRange(streams: Pick<DynamoDBStreamsClient, 'send'>, range: StreamRange): Promise<StreamRangeRead> {
  // Sequence numbers are decimal strings of up to 40 digits: compared as numbers, not as text.
  const start = BigInt(range.startSequenceNumber);
  const end = BigInt(range.endSequenceNumber);
  const records: SdkStreamRecord[] = [];
  try {
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: range.streamArn,
        ShardId: range.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: range.startSequenceNumber,
      }),
    );
    let emptyReads = 0;
    reading: while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: MAX_RECORDS_PER_READ }));
      for (const record of page.Records ?? []) {
        const at = BigInt(record.dynamodb?.SequenceNumber ?? '-1');
        if (at > end) break reading;
        records.push(record);
        if (at === end) break reading;
      }
      emptyReads = page.Records?.length ? 0 : emptyReads + 1;
      if (emptyReads >= MAX_EMPTY_READS) break;
      // No next iterator: the shard is closed, and read to its end.
      iterator = page.NextShardIterator;
    }
  } catch (error) {
    // Past the stream's 24 hours (trimmed), an iterator older than 15 minutes, a stream or shard no longer there.
    if (error instanceof TrimmedDataAccessException || error instanceof ExpiredIteratorException || error instanceof ResourceNotFoundException) {
      return { gone: `${error.name}: ${error.message}` };
    }
    throw error;
  }
  const first = records[0]?.dynamodb?.SequenceNumber;
  const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
  if (first === undefined || BigInt(first) !== start) return { gone: `the shard no longer holds the first record, ${range.startSequenceNumber}` };
  if (last === undefined || BigInt(last) !== end) return { gone: `the shard no longer holds the last record, ${range.endSequenceNumber} (read up to ${last})` };
  return { records };
}
