import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../src/dynamodb-local';
import type { ListeningServer } from '../src/http-server';
import { startDynamoDbMeter } from '../src/usage/dynamodb-meter';
import { UsageMeter } from '../src/usage/usage-meter';

let dynamodb: DynamoDbLocal;
let proxy: ListeningServer;
let client: DynamoDBDocumentClient;
const meter = new UsageMeter();

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal();
  proxy = await startDynamoDbMeter({ target: dynamodb.endpoint, meter });
  client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint: proxy.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  for (const TableName of ['metered-a', 'metered-b']) {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await dynamodb?.stop();
});

describe('the DynamoDB meter', () => {
  it("counts the request units DynamoDB Local reports, per table, and answers as DynamoDB does", async () => {
    // 3 KB: 3 write units; read back strongly consistent: 1 read unit (up to 4 KB), eventually: half.
    await client.send(new PutCommand({ TableName: 'metered-a', Item: { id: 'a', text: 'x'.repeat(3000) } }));
    const read = await client.send(new GetCommand({ TableName: 'metered-a', Key: { id: 'a' }, ConsistentRead: true }));
    await client.send(new GetCommand({ TableName: 'metered-a', Key: { id: 'a' } }));
    expect(read.Item?.['text']).toHaveLength(3000);
    expect(meter.snapshot().dynamodb['metered-a']).toEqual({ requests: 3, readUnits: 1.5, writeUnits: 3 });
  });

  it('counts a transaction on each table it writes, at twice the units of a plain write', async () => {
    await client.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: 'metered-b', Item: { id: 'b' } } }, { Put: { TableName: 'metered-a', Item: { id: 'c' } } }],
      }),
    );
    const { dynamodb: tables } = meter.snapshot();
    expect(tables['metered-b']).toEqual({ requests: 1, readUnits: 0, writeUnits: 2 });
    expect(tables['metered-a']?.writeUnits).toBe(5);
  });

  it('passes on what DynamoDB refuses, unchanged and uncounted', async () => {
    const before = meter.snapshot();
    await expect(client.send(new GetCommand({ TableName: 'no-such-table', Key: { id: 'a' } }))).rejects.toThrow(/non-existent table/);
    expect(meter.snapshot().dynamodb).toEqual(before.dynamodb);
  });
});
