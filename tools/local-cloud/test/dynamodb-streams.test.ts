import { existsSync, readFileSync } from 'node:fs';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../src/dynamodb-local';
import type { StreamFailureRecord } from '../src/dynamodb-streams/stream-failure-record';
import { type StreamBatchInfo, StreamPoller, type StreamPollerOptions } from '../src/dynamodb-streams/stream-poller';
import type { ListeningServer } from '../src/http-server';
import { LambdaRuntime } from '../src/lambda-runtime';
import { LOCAL_AWS } from '../src/local-aws';
import { startSqsServer } from '../src/sqs/sqs-server';
import { Fixtures, logCollector } from './lambda-fixtures';
import { scriptedStream } from './scripted-stream';

/**
 * The DynamoDB stream event source mapping against DynamoDB Local's streams: fixture
 * functions in the Lambda runtime record every event they get, and their answers (from the
 * item's attributes) decide what Lambda must deliver again.
 */

const fixtures = new Fixtures();
const runtime = new LambdaRuntime({ onLog: logCollector().onLog });
let ddb: DynamoDbLocal;
let dynamodb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let sqsServer: ListeningServer;
let sqs: SQSClient;
const pollers: StreamPoller[] = [];

/**
 * Appends each event to EVENTS_FILE. An item with `poison: true` fails the whole batch (a
 * function error); one with `failTimes: n` is reported failed (a partial batch response) the
 * first n times it comes.
 */
const CONSUMER = `
  const fs = require('fs');
  exports.handler = async (event) => {
    const file = process.env.EVENTS_FILE;
    const seen = fs.existsSync(file)
      ? fs.readFileSync(file, 'utf8').split('\\n').filter(Boolean).flatMap((line) => JSON.parse(line).Records.map((r) => r.eventID))
      : [];
    fs.appendFileSync(file, JSON.stringify(event) + '\\n');
    const batchItemFailures = [];
    for (const record of event.Records) {
      const image = record.dynamodb.NewImage || record.dynamodb.OldImage || {};
      if (image.poison) {
        const error = new Error('cannot project order ' + image.pk.S);
        error.name = 'PoisonRecord';
        throw error;
      }
      const failTimes = Number(image.failTimes ? image.failTimes.N : 0);
      if (seen.filter((id) => id === record.eventID).length < failTimes) {
        batchItemFailures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
      }
    }
    return { batchItemFailures };
  };
`;

beforeAll(async () => {
  [ddb, sqsServer] = await Promise.all([startDynamoDbLocal({ port: 0 }), startSqsServer({ port: 0 })]);
  dynamodb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: ddb.endpoint });
  streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: ddb.endpoint });
  sqs = new SQSClient({ ...LOCAL_AWS, endpoint: sqsServer.url });
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

afterAll(async () => {
  dynamodb?.destroy();
  streams?.destroy();
  sqs?.destroy();
  await Promise.all([ddb?.stop(), sqsServer?.close(), runtime.stop()]);
  fixtures.cleanup();
});

/** A table with a NEW_AND_OLD_IMAGES stream; answers the stream's ARN. */
async function createTable(name: string): Promise<string> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${name} has no stream`);
  return Table.LatestStreamArn;
}

const put = (table: string, item: Record<string, AttributeValue>) => dynamodb.send(new PutItemCommand({ TableName: table, Item: item }));

interface Mapping {
  poller: StreamPoller;
  /** The events the function got, in order. */
  events: () => DynamoDBStreamEvent[];
  /** The keys of each batch, in order. */
  batches: () => string[][];
  traced: StreamBatchInfo[];
  log: string[];
}

function mapping(name: string, streamArn: string, options: Partial<StreamPollerOptions> = {}): Mapping {
  const eventsFile = `${fixtures.dir}/${name}-events.jsonl`;
  runtime.register(fixtures.fn(name, CONSUMER, { environment: { EVENTS_FILE: eventsFile } }));
  const traced: StreamBatchInfo[] = [];
  const log: string[] = [];
  const poller = new StreamPoller({
    streams,
    runtime,
    functionName: name,
    streamArn,
    batchSize: 100,
    startingPosition: 'TRIM_HORIZON',
    maximumRetryAttempts: -1,
    bisectBatchOnError: false,
    region: 'us-east-1',
    pollIntervalMs: 100,
    retryDelayMs: 50,
    log: (line) => log.push(line),
    onBatch: (info) => traced.push(info),
    ...options,
  });
  pollers.push(poller);
  const events = () =>
    existsSync(eventsFile)
      ? readFileSync(eventsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as DynamoDBStreamEvent)
      : [];
  const batches = () => events().map((e) => e.Records.map((r) => r.dynamodb?.Keys?.['pk']?.S ?? '?'));
  return { poller, events, batches, traced, log };
}

function changesOf(records: DynamoDBRecord[], key: string): string[] {
  return records.filter((r) => r.dynamodb?.Keys?.['pk']?.S === key).map((r) => r.eventName ?? '?');
}

describe('the DynamoDB stream event source mapping', () => {
  it('delivers INSERT, MODIFY and REMOVE as Lambda shapes them, in write order per key', async () => {
    const streamArn = await createTable('orders-shape');
    const { poller, events } = mapping('project-orders', streamArn);
    poller.start();

    const written = Math.floor(Date.now() / 1000);
    await put('orders-shape', { pk: { S: 'o-1' }, status: { S: 'PENDING' }, total: { N: '1200' }, receipt: { B: Buffer.from('r-1') } });
    await put('orders-shape', { pk: { S: 'o-2' }, status: { S: 'PENDING' } });
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: 'orders-shape',
        Key: { pk: { S: 'o-1' } },
        UpdateExpression: 'SET #s = :paid',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':paid': { S: 'PAID' } },
      }),
    );
    await dynamodb.send(new DeleteItemCommand({ TableName: 'orders-shape', Key: { pk: { S: 'o-1' } } }));
    await put('orders-shape', { pk: { S: 'o-2' }, status: { S: 'CANCELLED' } });
    await poller.idle();

    const records = events().flatMap((e) => e.Records);
    expect(records).toHaveLength(5);
    expect(changesOf(records, 'o-1')).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(changesOf(records, 'o-2')).toEqual(['INSERT', 'MODIFY']);
    const sequence = records.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0'));
    expect([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(sequence);

    const [insert, , modify, remove] = records;
    const receipt = { B: Buffer.from('r-1').toString('base64') };
    expect(insert).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'o-1' } },
        NewImage: { pk: { S: 'o-1' }, status: { S: 'PENDING' }, total: { N: '1200' }, receipt },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: streamArn,
    });
    // Epoch seconds; DynamoDB Local rounds the time down to the minute (DynamoDB to the second).
    const created = insert?.dynamodb?.ApproximateCreationDateTime ?? 0;
    expect(written - created).toBeGreaterThanOrEqual(-1);
    expect(written - created).toBeLessThan(61);
    expect(modify?.dynamodb).toMatchObject({
      OldImage: { status: { S: 'PENDING' } },
      NewImage: { pk: { S: 'o-1' }, status: { S: 'PAID' }, total: { N: '1200' }, receipt },
    });
    expect(remove?.dynamodb?.OldImage).toEqual({ pk: { S: 'o-1' }, status: { S: 'PAID' }, total: { N: '1200' }, receipt });
    expect(remove?.dynamodb).not.toHaveProperty('NewImage');
  });

  it('hands on an empty map as DynamoDB does ({"M":{}}), though DynamoDB Local writes it as {}', async () => {
    const streamArn = await createTable('orders-empty-map');
    const { poller, events } = mapping('project-empty-map', streamArn);
    poller.start();
    await put('orders-empty-map', { pk: { S: 'o-1' }, charges: { M: {} }, nested: { M: { inner: { M: {} } } } });
    await poller.idle();
    const [insert] = events().flatMap((e) => e.Records);
    expect(insert?.dynamodb?.NewImage).toEqual({ pk: { S: 'o-1' }, charges: { M: {} }, nested: { M: { inner: { M: {} } } } });
  });

  it('after a partial batch failure delivers the failed record and those after it again, not the ones before', async () => {
    const streamArn = await createTable('orders-partial');
    await put('orders-partial', { pk: { S: 'p-1' } });
    await put('orders-partial', { pk: { S: 'p-2' }, failTimes: { N: '1' } });
    await put('orders-partial', { pk: { S: 'p-3' } });
    const { poller, batches, traced } = mapping('project-partial', streamArn);
    poller.start();
    await poller.idle();

    expect(batches()).toEqual([
      ['p-1', 'p-2', 'p-3'],
      ['p-2', 'p-3'],
    ]);
    expect(traced.map((t) => [t.outcome, t.attempt])).toEqual([
      ['partial', 1],
      ['success', 2],
    ]);
  });

  it('retries a batch that always fails maximumRetryAttempts times, reports it to the on-failure queue, and delivers later records', async () => {
    const { QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'project-poisoned-failures' }));
    const streamArn = await createTable('orders-poisoned');
    await put('orders-poisoned', { pk: { S: 'bad-1' }, poison: { BOOL: true } });
    const { poller, batches, traced } = mapping('project-poisoned', streamArn, { maximumRetryAttempts: 2, onFailure: { queueUrl, sqs } });
    poller.start();
    await poller.idle();
    await put('orders-poisoned', { pk: { S: 'good-1' } });
    await poller.idle();

    expect(batches()).toEqual([['bad-1'], ['bad-1'], ['bad-1'], ['good-1']]);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(Messages).toHaveLength(1);
    const badSequenceNumber = traced[0]?.firstSequenceNumber;
    expect(JSON.parse(Messages[0]?.Body ?? '') as StreamFailureRecord).toEqual({
      requestContext: {
        requestId: traced[2]?.requestId,
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:project-poisoned',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      DDBStreamBatchInfo: {
        shardId: expect.stringMatching(/^shardId-/),
        startSequenceNumber: badSequenceNumber,
        endSequenceNumber: badSequenceNumber,
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        batchSize: 1,
        streamArn,
      },
    });
  });

  it('with bisectBatchOnError splits a failing batch until the bad record is alone; splits do not use up retries', async () => {
    const { QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'project-bisect-failures' }));
    const streamArn = await createTable('orders-bisect');
    const items: Record<string, AttributeValue>[] = [{ pk: { S: 'b-1' } }, { pk: { S: 'b-2' }, poison: { BOOL: true } }, { pk: { S: 'b-3' } }, { pk: { S: 'b-4' } }];
    for (const item of items) {
      await put('orders-bisect', item);
    }
    const { poller, batches } = mapping('project-bisect', streamArn, { maximumRetryAttempts: 1, bisectBatchOnError: true, onFailure: { queueUrl, sqs } });
    poller.start();
    await poller.idle();

    expect(batches()).toEqual([['b-1', 'b-2', 'b-3', 'b-4'], ['b-1', 'b-2'], ['b-1'], ['b-2'], ['b-2'], ['b-3', 'b-4']]);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const reports = Messages.map((m) => JSON.parse(m.Body ?? '') as StreamFailureRecord);
    expect(reports.map((r) => [r.DDBStreamBatchInfo.batchSize, r.requestContext.approximateInvokeCount])).toEqual([[1, 2]]);
  });

  it('with LATEST skips what was written before the mapping started', async () => {
    const streamArn = await createTable('orders-latest');
    await put('orders-latest', { pk: { S: 'before-1' } });
    await put('orders-latest', { pk: { S: 'before-2' } });
    const { poller, batches } = mapping('project-latest', streamArn, { startingPosition: 'LATEST' });
    poller.start();
    await poller.idle();
    await put('orders-latest', { pk: { S: 'after-1' } });
    await poller.idle();

    expect(batches()).toEqual([['after-1']]);
  });

  it('gathers the records of its batching window into one batch', async () => {
    const streamArn = await createTable('orders-window');
    const { poller, batches } = mapping('project-window', streamArn, { maxBatchingWindowSeconds: 1 });
    poller.start();
    await poller.idle();
    for (const pk of ['w-1', 'w-2', 'w-3']) await put('orders-window', { pk: { S: pk } });
    await poller.idle();

    expect(batches()).toEqual([['w-1', 'w-2', 'w-3']]);
  });

  it('logs a batch it gives up on when there is no on-failure destination', async () => {
    const streamArn = await createTable('orders-discarded');
    await put('orders-discarded', { pk: { S: 'lost-1' }, poison: { BOOL: true } });
    const { poller, log } = mapping('project-discarded', streamArn, { maximumRetryAttempts: 0 });
    poller.start();
    await poller.idle();

    const discarded = log.filter((line) => line.includes('STREAM RECORDS DISCARDED'));
    expect(discarded).toHaveLength(1);
    expect(discarded[0]).toContain('1 record(s)');
    expect(discarded[0]).toContain('PoisonRecord: cannot project order lost-1');
  });

  it('reads a child shard only after its parent is read to the end, finding shards over DescribeStream pages', async () => {
    const streamArn = 'arn:aws:dynamodb:ddblocal:000000000000:table/rolled/stream/2025-03-05T10:00:00.000';
    // The child is listed first, and the parent is slow to read: only waiting for it keeps the order.
    const rolledStreams = scriptedStream(
      streamArn,
      [
        { shardId: 'shardId-child', parentShardId: 'shardId-parent', closed: false, keys: ['k-1', 'k-1'] },
        { shardId: 'shardId-parent', closed: true, keys: ['k-1', 'k-1', 'k-1'] },
      ],
      20,
    );
    const { poller, events } = mapping('project-rolled', streamArn, { streams: rolledStreams, pollIntervalMs: 20 });
    poller.start();
    await poller.idle();

    const versions = events().flatMap((e) => e.Records.map((r) => r.dynamodb?.NewImage?.['version']?.N));
    expect(versions).toEqual(['1', '2', '3', '4', '5']);
  });
});
