import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';

/**
 * A DynamoDB stream whose shards are given, behind a stand-in for DynamoDBStreamsClient: for
 * what DynamoDB Local does only after hours (a shard that closes and has a child) and what a
 * real stream does that it does not (DescribeStream in pages). It answers one shard per
 * DescribeStream page and one record per GetRecords, each after `readDelayMs`.
 */

export interface ScriptedShard {
  shardId: string;
  parentShardId?: string;
  /** Closed shards end; an open one answers an empty read at its end. */
  closed: boolean;
  keys: string[];
}

export function scriptedStream(streamArn: string, shards: ScriptedShard[], readDelayMs = 0): DynamoDBStreamsClient {
  let sequence = 0;
  // Numbered parents first, as a stream numbers them, whatever order DescribeStream lists them in.
  const byAge = [...shards].sort((a, b) => Number(Boolean(a.parentShardId)) - Number(Boolean(b.parentShardId)));
  const records = new Map(byAge.map((shard) => [shard.shardId, shard.keys.map((key) => record(key, ++sequence))]));
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof DescribeStreamCommand) {
      const start = command.input.ExclusiveStartShardId;
      const index = start ? shards.findIndex((s) => s.shardId === start) + 1 : 0;
      const shard = shards[index];
      const page = shard
        ? [
            {
              ShardId: shard.shardId,
              ...(shard.parentShardId && { ParentShardId: shard.parentShardId }),
              SequenceNumberRange: { StartingSequenceNumber: '1', ...(shard.closed && { EndingSequenceNumber: '99' }) },
            },
          ]
        : [];
      const more = index + 1 < shards.length;
      return { StreamDescription: { StreamArn: streamArn, Shards: page, ...(more && shard && { LastEvaluatedShardId: shard.shardId }) } };
    }
    if (command instanceof GetShardIteratorCommand) {
      const { ShardId = '', ShardIteratorType, SequenceNumber } = command.input;
      const all = records.get(ShardId) ?? [];
      const position =
        ShardIteratorType === 'LATEST'
          ? all.length
          : ShardIteratorType === 'AFTER_SEQUENCE_NUMBER'
            ? all.findIndex((r) => r.dynamodb?.SequenceNumber === SequenceNumber) + 1
            : 0;
      return { ShardIterator: `${ShardId}|${position}` };
    }
    if (command instanceof GetRecordsCommand) {
      await new Promise((resolve) => setTimeout(resolve, readDelayMs));
      const [shardId = '', at = '0'] = (command.input.ShardIterator ?? '').split('|');
      const position = Number(at);
      const all = records.get(shardId) ?? [];
      const shard = shards.find((s) => s.shardId === shardId);
      const found = all.slice(position, position + 1);
      const atEnd = position + found.length >= all.length;
      const next = shard?.closed && atEnd && found.length === 0 ? undefined : `${shardId}|${position + found.length}`;
      return { Records: found, ...(next && { NextShardIterator: next }) };
    }
    throw new Error(`the scripted stream does not answer ${String((command as object).constructor.name)}`);
  };
  return { send } as unknown as DynamoDBStreamsClient;
}

function record(key: string, sequence: number): _Record {
  return {
    eventID: `event-${sequence}`,
    eventName: 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: new Date('2025-03-05T10:00:00Z'),
      Keys: { pk: { S: key } },
      NewImage: { pk: { S: key }, version: { N: String(sequence) } },
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 20,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
