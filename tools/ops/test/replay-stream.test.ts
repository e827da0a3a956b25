import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as SdkStreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadManifests } from '@shop/platform';
import { invokeAnswer } from '@shop/testing';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseOptions, stageOption, UsageError } from '../src/options';
import { formatReport, formatSummary, replayStream, UNPUBLISHED_CHANGES, type ReplayRequest } from '../src/replay-stream';

const sqs = mockClient(SQSClient);
const streams = mockClient(DynamoDBStreamsClient);
const lambda = mockClient(LambdaClient);
const tools = () => ({
  sqs: new SQSClient({ region: 'eu-west-1' }),
  streams: new DynamoDBStreamsClient({ region: 'eu-west-1' }),
  lambda: new LambdaClient({ region: 'eu-west-1' }),
  region: 'eu-west-1',
});
const replay = (request: Partial<ReplayRequest> = {}) => replayStream(tools(), { stage: 'dev', ...request });

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-order-events-unpublished-changes';
const FUNCTION = 'shop-dev-order-events-publish-order-events';
const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-order-service-orders/stream/2026-05-01T00:00:00.000';
const SHARD = 'shardId-00000001700000000000-abcdef12';

// Of different lengths, so that comparing them as text would put them out of order.
const SEQ = ['900000000000000000900', '900000000000000000950', '1000000000000000000100', '1000000000000000000200'] as const;

function streamRecord(sequenceNumber: string, orderId: string, to: string, from?: string): SdkStreamRecord {
  return {
    eventID: `event-${sequenceNumber}`,
    eventName: from ? 'MODIFY' : 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    dynamodb: {
      ApproximateCreationDateTime: new Date('2026-05-01T10:00:00.000Z'),
      Keys: { orderId: { S: orderId } },
      NewImage: { orderId: { S: orderId }, status: { S: to } },
      ...(from && { OldImage: { orderId: { S: orderId }, status: { S: from } } }),
      SequenceNumber: sequenceNumber,
      SizeBytes: 120,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** Lambda's on-failure record of a batch (tools/local-cloud/src/dynamodb-streams/stream-failure-record.ts). */
function onFailureMessage(id: string, startSequenceNumber: string, endSequenceNumber: string): Message {
  const body = {
    requestContext: { requestId: 'r-1', functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${FUNCTION}`, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-05-01T10:05:00.000Z',
    DDBStreamBatchInfo: {
      shardId: SHARD,
      startSequenceNumber,
      endSequenceNumber,
      approximateArrivalOfFirstRecord: '2026-05-01T10:00:00Z',
      approximateArrivalOfLastRecord: '2026-05-01T10:00:00Z',
      batchSize: 3,
      streamArn: STREAM_ARN,
    },
  };
  return { MessageId: id, ReceiptHandle: `handle-${id}`, Body: JSON.stringify(body) };
}

/** A record publish-order-events kept whole (apps/order-events/src/adapters/sqs-unpublished-changes.ts). */
const POISON: DynamoDBRecord = {
  eventID: 'event-poison',
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'eu-west-1',
  dynamodb: { Keys: { orderId: { S: 'order-p' } }, NewImage: { orderId: { S: 'order-p' }, total: { M: { amount: { N: '-1' } } } }, SequenceNumber: '700', StreamViewType: 'NEW_AND_OLD_IMAGES' },
  eventSourceARN: STREAM_ARN,
};
const poisonMessage = (id: string): Message => ({
  MessageId: id,
  ReceiptHandle: `handle-${id}`,
  Body: JSON.stringify({ kind: 'poison-record', reason: 'ZodError: total', keptAt: '2026-05-01T10:00:00.000Z', record: POISON }),
  MessageAttributes: { kind: { DataType: 'String', StringValue: 'poison-record' } },
});

const answer = invokeAnswer;

const invoked = () => lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
const invokedRecords = (n = 0) => (JSON.parse(new TextDecoder().decode(invoked()[n]!.Payload as Uint8Array)) as { Records: DynamoDBRecord[] }).Records;
const deleted = () => sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle);
const shownAgain = () => sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => [c.args[0].input.ReceiptHandle, c.args[0].input.VisibilityTimeout]);

/** The queue holds `messages`, received in one batch, and nothing after them. */
function queueHolds(...messages: Message[]) {
  sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({});
}

/** The shard holds SEQ[0..3] on two pages: SEQ[0], SEQ[1], then SEQ[2], SEQ[3]. */
function shardHoldsBatch() {
  streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
  streams.on(GetRecordsCommand, { ShardIterator: 'it-1' }).resolves({ Records: [streamRecord(SEQ[0], 'order-a', 'PENDING'), streamRecord(SEQ[1], 'order-b', 'PAID', 'AWAITING_PAYMENT')], NextShardIterator: 'it-2' });
  streams.on(GetRecordsCommand, { ShardIterator: 'it-2' }).resolves({ Records: [streamRecord(SEQ[2], 'order-a', 'AWAITING_PAYMENT', 'PENDING'), streamRecord(SEQ[3], 'order-c', 'PENDING')], NextShardIterator: 'it-3' });
  streams.on(GetRecordsCommand, { ShardIterator: 'it-3' }).resolves({ Records: [], NextShardIterator: 'it-4' });
}

beforeEach(() => {
  sqs.reset();
  streams.reset();
  lambda.reset();
  sqs.on(GetQueueUrlCommand, { QueueName: 'shop-dev-order-events-unpublished-changes' }).resolves({ QueueUrl: QUEUE_URL });
  sqs.on(DeleteMessageCommand).resolves({});
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  lambda.on(InvokeCommand).resolves(answer({ batchItemFailures: [] }));
});

describe('replaying a batch the stream mapping gave up on', () => {
  it('reads its range from the stream across pages, stops past its end, and invokes the function once with its records in order, as Lambda would', async () => {
    queueHolds(onFailureMessage('m-1', SEQ[0], SEQ[2]));
    shardHoldsBatch();

    const summary = await replay();

    expect(streams.commandCalls(GetShardIteratorCommand)[0]!.args[0].input).toEqual({
      StreamArn: STREAM_ARN,
      ShardId: SHARD,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: SEQ[0],
    });
    expect(streams.commandCalls(GetRecordsCommand).map((c) => c.args[0].input.ShardIterator)).toEqual(['it-1', 'it-2']);
    expect(invoked()).toHaveLength(1);
    expect(invoked()[0]).toMatchObject({ FunctionName: FUNCTION, Qualifier: 'live', InvocationType: 'RequestResponse' });
    const records = invokedRecords();
    expect(records.map((r) => r.dynamodb?.SequenceNumber)).toEqual([SEQ[0], SEQ[1], SEQ[2]]);
    expect(records[1]).toEqual({
      eventID: `event-${SEQ[1]}`,
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2026-05-01T10:00:00.000Z') / 1000,
        Keys: { orderId: { S: 'order-b' } },
        NewImage: { orderId: { S: 'order-b' }, status: { S: 'PAID' } },
        OldImage: { orderId: { S: 'order-b' }, status: { S: 'AWAITING_PAYMENT' } },
        SequenceNumber: SEQ[1],
        SizeBytes: 120,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(summary).toMatchObject({ replayed: 1, deleted: 0, left: [] });
    expect(summary.messages[0]!.records.map((r) => [r.orderId, r.eventName])).toEqual([['order-a', 'INSERT'], ['order-b', 'MODIFY'], ['order-a', 'MODIFY']]);
    // Without --delete the message stays, and shows in the queue again at once.
    expect(deleted()).toEqual([]);
    expect(shownAgain()).toEqual([['handle-m-1', 0]]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({ QueueUrl: QUEUE_URL, VisibilityTimeout: 900 });
  });

  it('leaves the message when the stream no longer holds the batch, and says so with what the message holds', async () => {
    const message = onFailureMessage('m-1', SEQ[0], SEQ[2]);
    queueHolds(message);
    streams.on(GetShardIteratorCommand).rejects(new TrimmedDataAccessException({ message: 'records trimmed', $metadata: {} }));

    const summary = await replay({ delete: true });

    expect(invoked()).toEqual([]);
    expect(deleted()).toEqual([]);
    expect(shownAgain()).toEqual([['handle-m-1', 0]]);
    expect(summary.left).toHaveLength(1);
    expect(summary.left[0]!.why).toMatch(/no longer holds these records \(TrimmedDataAccessException: records trimmed\).*by hand/);
    const printed = formatReport(summary.left[0]!).join('\n');
    expect(printed).toContain('LEFT');
    expect(printed).toContain(message.Body);
    expect(formatSummary(summary, {}).join('\n')).toMatch(/1 message\(s\) read: 0 replayed \(0 deleted\), 1 left in the queue:\n {2}m-1: the stream no longer holds/);
  });

  it('leaves the message when the shard holds only part of the batch: none of it is replayed', async () => {
    queueHolds(onFailureMessage('m-1', SEQ[0], SEQ[2]));
    // Its first record is gone: the shard's records begin after it.
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    streams.on(GetRecordsCommand).resolves({ Records: [streamRecord(SEQ[1], 'order-b', 'PAID'), streamRecord(SEQ[2], 'order-a', 'PENDING')], NextShardIterator: 'it-2' });

    const summary = await replay({ delete: true });

    expect(invoked()).toEqual([]);
    expect(summary.left[0]!.why).toMatch(new RegExp(`no longer holds the first record, ${SEQ[0]}`));
  });

  it('stops reading at the first record past the batch when its last record is missing, and leaves the message', async () => {
    queueHolds(onFailureMessage('m-1', SEQ[0], SEQ[2]));
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    streams.on(GetRecordsCommand, { ShardIterator: 'it-1' }).resolves({ Records: [streamRecord(SEQ[0], 'order-a', 'PENDING'), streamRecord(SEQ[1], 'order-b', 'PAID')], NextShardIterator: 'it-2' });
    streams.on(GetRecordsCommand, { ShardIterator: 'it-2' }).resolves({ Records: [streamRecord(SEQ[3], 'order-c', 'PENDING')], NextShardIterator: 'it-3' });
    streams.on(GetRecordsCommand, { ShardIterator: 'it-3' }).resolves({ Records: [], NextShardIterator: 'it-3' });

    const summary = await replay();

    expect(streams.commandCalls(GetRecordsCommand)).toHaveLength(2);
    expect(invoked()).toEqual([]);
    expect(summary.left[0]!.why).toMatch(new RegExp(`no longer holds the last record, ${SEQ[2]} \\(read up to ${SEQ[1]}\\)`));
  });
});

describe('replaying a poison record', () => {
  it('invokes the function with the record it kept, as it was', async () => {
    queueHolds(poisonMessage('m-p'));

    const summary = await replay({ delete: true });

    expect(streams.calls()).toEqual([]);
    expect(invokedRecords()).toEqual([POISON]);
    expect(summary).toMatchObject({ replayed: 1, deleted: 1 });
    expect(summary.messages[0]).toMatchObject({ kind: 'poison-record', where: 'poison record 700, kept for: ZodError: total' });
  });

  it('leaves a poison record the function keeps again, as a new message, instead of replaying it round and round', async () => {
    // Receiving the queue again finds the record kept anew, under a new message id, after each replay.
    let kept = 0;
    sqs.on(ReceiveMessageCommand).callsFake(() => ({ Messages: kept < 5 ? [poisonMessage(`m-p${kept}`)] : [] }));
    lambda.on(InvokeCommand).callsFake(() => {
      kept += 1;
      return answer({ batchItemFailures: [] });
    });

    const summary = await replay({ delete: true });

    expect(invoked()).toHaveLength(1);
    expect(summary.messages.map((m) => [m.messageId, m.result])).toEqual([
      ['m-p0', 'replayed'],
      ['m-p1', 'left'],
    ]);
    expect(summary.left[0]!.why).toMatch(/kept again by the function when this run replayed it/);
    expect(deleted()).toEqual(['handle-m-p0']);
  });
});

describe('what is not replayed', () => {
  it('leaves a message whose records the function reports not published, or that it fails on', async () => {
    queueHolds(onFailureMessage('m-1', SEQ[0], SEQ[2]), poisonMessage('m-p'));
    shardHoldsBatch();
    lambda.on(InvokeCommand).resolvesOnce(answer({ batchItemFailures: [{ itemIdentifier: SEQ[1] }] })).resolvesOnce(answer({ errorType: 'Error', errorMessage: 'bus down' }, 'Unhandled'));

    const summary = await replay({ delete: true });

    expect(summary).toMatchObject({ replayed: 0, deleted: 0 });
    expect(summary.left.map((r) => [r.messageId, r.why])).toEqual([
      ['m-1', expect.stringContaining(`reported record ${SEQ[1]} not published`)],
      ['m-p', expect.stringContaining('failed (Unhandled): {"errorType":"Error","errorMessage":"bus down"}')],
    ]);
    expect(deleted()).toEqual([]);
    expect(shownAgain()).toEqual([['handle-m-1', 0], ['handle-m-p', 0]]);
  });

  it('leaves a message that is neither kind, unread', async () => {
    queueHolds({ MessageId: 'm-x', ReceiptHandle: 'handle-m-x', Body: '{"hello":"world"}' });
    const summary = await replay({ delete: true });
    expect(summary.left[0]!.why).toMatch(/not a message this command knows/);
    expect(invoked()).toEqual([]);
  });
});

describe('--delete', () => {
  it('deletes each message replayed in full, and only those; the others show in the queue again', async () => {
    queueHolds(onFailureMessage('m-1', SEQ[0], SEQ[2]), poisonMessage('m-p'), onFailureMessage('m-2', SEQ[0], SEQ[2]));
    shardHoldsBatch();
    lambda
      .on(InvokeCommand)
      .resolvesOnce(answer({ batchItemFailures: [] }))
      .resolvesOnce(answer({ batchItemFailures: [{ itemIdentifier: '700' }] }))
      .resolvesOnce(answer(null));

    const summary = await replay({ delete: true });

    expect(deleted()).toEqual(['handle-m-1', 'handle-m-2']);
    expect(shownAgain()).toEqual([['handle-m-p', 0]]);
    expect(summary).toMatchObject({ replayed: 2, deleted: 2 });
    expect(summary.left.map((r) => r.messageId)).toEqual(['m-p']);
  });

  it('replays a message once though it is received again in the same run', async () => {
    const message = poisonMessage('m-p');
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message] }).resolvesOnce({ Messages: [{ ...message, ReceiptHandle: 'handle-again' }] }).resolves({});
    lambda.on(InvokeCommand).resolves(answer({ batchItemFailures: [{ itemIdentifier: '700' }] }));

    const summary = await replay();

    expect(invoked()).toHaveLength(1);
    expect(summary.messages).toHaveLength(1);
    // Shown again by the handle of its last receipt, the one SQS still honours.
    expect(shownAgain()).toEqual([['handle-again', 0]]);
  });
});

describe('--dry-run', () => {
  it('reads the queue and the stream, says what it would replay, and invokes and deletes nothing', async () => {
    queueHolds(onFailureMessage('m-1', SEQ[0], SEQ[2]), poisonMessage('m-p'));
    shardHoldsBatch();

    const summary = await replay({ dryRun: true, delete: true });

    expect(invoked()).toEqual([]);
    expect(deleted()).toEqual([]);
    expect(summary).toMatchObject({ wouldReplay: 2, replayed: 0, left: [] });
    expect(formatReport(summary.messages[0]!)).toEqual([
      `would replay: message m-1, shard ${SHARD}, ${SEQ[0]}..${SEQ[2]}`,
      `  ${SEQ[0]}  INSERT  order order-a  PENDING`,
      `  ${SEQ[1]}  MODIFY  order order-b  AWAITING_PAYMENT → PAID`,
      `  ${SEQ[2]}  MODIFY  order order-a  PENDING → AWAITING_PAYMENT`,
    ]);
    expect(formatSummary(summary, { dryRun: true })).toEqual(['2 message(s) read: 2 would be replayed, 0 left in the queue.']);
  });
});

describe('what it replays', () => {
  it("is the queue publish-order-events' stream mapping gives up into, and that function", async () => {
    const manifest = (await loadManifests()).find((m) => m.name === UNPUBLISHED_CHANGES.service);
    const fn = manifest?.functions[UNPUBLISHED_CHANGES.function];
    expect(manifest?.deadLetterQueues?.[UNPUBLISHED_CHANGES.queue]).toBeDefined();
    expect(fn?.triggers).toContainEqual(
      expect.objectContaining({ type: 'table-stream', table: 'order-service/orders', onFailure: `${UNPUBLISHED_CHANGES.service}/${UNPUBLISHED_CHANGES.queue}` }),
    );
  });
});

describe('the command line', () => {
  it('takes flags without values, and a stage the command allows beyond the deployed ones', () => {
    expect(parseOptions(['--stage', 'dev', '--dry-run'], ['stage'], ['dry-run', 'delete'])).toEqual({ stage: 'dev', 'dry-run': true });
    expect(() => parseOptions(['--delete=yes'], ['stage'], ['delete'])).toThrow(/--delete takes no value/);
    expect(() => parseOptions(['--delete', '--delete'], ['stage'], ['delete'])).toThrow(/given twice/);
    expect(() => parseOptions(['--force'], ['stage'], ['delete'])).toThrow(UsageError);
    expect(stageOption('local', ['dev', 'prod', 'local'])).toBe('local');
    expect(() => stageOption('local')).toThrow(/expected one of dev, prod/);
  });
});
