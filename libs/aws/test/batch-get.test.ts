import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { batchGetAll } from '../src';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const keys = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `k${from + i}` }));

beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

describe('batchGetAll', () => {
  it('reads every key in one request and passes the read options on', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { things: [{ id: 'k0' }, { id: 'k1' }] } });

    const items = await batchGetAll(client, {
      tableName: 'things',
      keys: keys(3),
      consistentRead: true,
      projectionExpression: 'id, #n',
      expressionAttributeNames: { '#n': 'name' },
    });

    expect(items).toEqual([{ id: 'k0' }, { id: 'k1' }]);
    expect(ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input)).toEqual([
      { RequestItems: { things: { Keys: keys(3), ConsistentRead: true, ProjectionExpression: 'id, #n', ExpressionAttributeNames: { '#n': 'name' } } } },
    ]);
  });

  it('asks again for the keys DynamoDB left unprocessed until none are left', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { things: [{ id: 'k0' }] }, UnprocessedKeys: { things: { Keys: [{ id: 'k1' }, { id: 'k2' }] } } })
      .resolvesOnce({ Responses: { things: [{ id: 'k2' }] }, UnprocessedKeys: { things: { Keys: [{ id: 'k1' }] } } })
      .resolvesOnce({ Responses: { things: [{ id: 'k1' }] }, UnprocessedKeys: {} });

    const items = await batchGetAll(client, { tableName: 'things', keys: keys(3) }, { baseDelayMs: 1 });

    expect(items.map((i) => i['id']).sort()).toEqual(['k0', 'k1', 'k2']);
    expect(ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.['things']?.Keys)).toEqual([
      keys(3),
      [{ id: 'k1' }, { id: 'k2' }],
      [{ id: 'k1' }],
    ]);
  });

  it('fails rather than answer without the keys that stay unprocessed', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { things: [] }, UnprocessedKeys: { things: { Keys: [{ id: 'k0' }] } } });
    await expect(batchGetAll(client, { tableName: 'things', keys: keys(1) }, { maxAttempts: 3, baseDelayMs: 1 })).rejects.toThrow(
      /left 1 key\(s\) unprocessed after 3 attempts/,
    );
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
  });

  it('splits more than 100 keys into requests of at most 100', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { things: [] } });
    await batchGetAll(client, { tableName: 'things', keys: keys(230) });
    expect(ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.['things']?.Keys?.length)).toEqual([100, 100, 30]);
  });

  it('sends nothing for no keys', async () => {
    await expect(batchGetAll(client, { tableName: 'things', keys: [] })).resolves.toEqual([]);
    expect(ddb.calls()).toHaveLength(0);
  });
});
