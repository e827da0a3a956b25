import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { queryPage } from '../src';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const query = { TableName: 'orders', IndexName: 'by-user', KeyConditionExpression: 'userId = :user', ExpressionAttributeValues: { ':user': 'ann' } };

beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

describe('queryPage', () => {
  it('asks for one page from the start, and gives the key to go on from', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ orderId: 'o1' }], LastEvaluatedKey: { orderId: 'o1', userId: 'ann' } });
    const page = await queryPage<{ orderId: string }, { orderId: string; userId: string }>(client, query, { limit: 1 });
    expect(page).toEqual({ items: [{ orderId: 'o1' }], lastKey: { orderId: 'o1', userId: 'ann' } });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({ ...query, Limit: 1 });
  });

  it('starts after the key given, and has no key to go on from on the last page', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const page = await queryPage(client, query, { limit: 20, startKey: { orderId: 'o1', userId: 'ann' } });
    expect(page).toEqual({ items: [] });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({ ...query, Limit: 20, ExclusiveStartKey: { orderId: 'o1', userId: 'ann' } });
  });
});
