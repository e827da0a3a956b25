import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../src/dynamodb-local';
import { LOCAL_AWS } from '../src/local-aws';
import { childProcesses, isAlive } from '@shop/testing';

describe('DynamoDB Local', () => {
  let ddb: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    ddb = await startDynamoDbLocal({ port: 0 });
    client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: ddb.endpoint });
  });

  afterAll(async () => {
    client?.destroy();
    await ddb?.stop();
    expect(childProcesses()).toEqual([]);
  });

  it('listens on a free port and answers the real SDK', async () => {
    expect(ddb.port).toBeGreaterThan(0);
    expect(ddb.endpoint).toBe(`http://127.0.0.1:${ddb.port}`);
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames).toEqual([]);
  });

  it('cancels a transaction with one reason per item when a condition fails', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'stock',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
      }),
    );
    for (const [sku, stock] of [['a', 5], ['b', 1]] as const) {
      await client.send(new PutItemCommand({ TableName: 'stock', Item: { sku: { S: sku }, stock: { N: String(stock) } } }));
    }
    const take = (sku: string, qty: number) => ({
      Update: {
        TableName: 'stock',
        Key: { sku: { S: sku } },
        UpdateExpression: 'SET stock = stock - :q',
        ConditionExpression: 'stock >= :q',
        ExpressionAttributeValues: { ':q': { N: String(qty) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    });

    const error = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [take('a', 2), take('b', 2)] }))
      .then(() => undefined, (e: unknown) => e);

    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(reasons[1]?.Item?.['stock']).toEqual({ N: '1' });
    // All or nothing: the line that could be served was not served either.
    const a = await client.send(new GetItemCommand({ TableName: 'stock', Key: { sku: { S: 'a' } } }));
    expect(a.Item?.['stock']).toEqual({ N: '5' });
  });

  it('stops java and leaves no process behind; a second stop is harmless', async () => {
    const other = await startDynamoDbLocal();
    expect(other.port).not.toBe(ddb.port);
    expect(isAlive(other.pid)).toBe(true);
    await other.stop();
    expect(isAlive(other.pid)).toBe(false);
    await other.stop();
    expect(childProcesses()).toEqual([ddb.pid]);
  });

  it('says that Java 17 is needed when java is not on the PATH', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await expect(startDynamoDbLocal()).rejects.toThrow(/needs Java 17 or newer, and `java` was not found/);
    } finally {
      process.env['PATH'] = path;
    }
  });
});
