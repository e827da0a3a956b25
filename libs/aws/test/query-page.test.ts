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
  type Order = { orderId: string; userId: string; createdAt: string; total: number };
  type ByUser = { orderId: string; userId: string; createdAt: string };
  const order = (n: number): Order => ({ orderId: `o${n}`, userId: 'ann', createdAt: `2025-01-0${n}`, total: n });
  const KEY = ['orderId', 'userId', 'createdAt'] as const;

  it('reads one item more than the page, and gives the key of the page’s last item when more follow', async () => {
    ddb.on(QueryCommand).resolves({ Items: [order(1), order(2)], LastEvaluatedKey: { orderId: 'o2', userId: 'ann', createdAt: '2025-01-02' } });
    const page = await queryPage<Order, ByUser>(client, query, { limit: 1 }, KEY);
    expect(page).toEqual({ items: [order(1)], lastKey: { orderId: 'o1', userId: 'ann', createdAt: '2025-01-01' } });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({ ...query, Limit: 2 });
  });

  it('gives no key on a last page that is exactly full: the extra item it asked for is not there', async () => {
    // Asked for 3, DynamoDB found 2: it reached the end before its Limit, so it answers no key either.
    ddb.on(QueryCommand).resolves({ Items: [order(1), order(2)] });
    const page = await queryPage<Order, ByUser>(client, query, { limit: 2 }, KEY);
    expect(page).toEqual({ items: [order(1), order(2)] });
  });

  it('gives DynamoDB’s key when it stopped short of the page at its 1 MB limit: more may follow', async () => {
    ddb.on(QueryCommand).resolves({ Items: [order(1)], LastEvaluatedKey: { orderId: 'o1', userId: 'ann', createdAt: '2025-01-01' } });
    const page = await queryPage<Order, ByUser>(client, query, { limit: 20 }, KEY);
    expect(page).toEqual({ items: [order(1)], lastKey: { orderId: 'o1', userId: 'ann', createdAt: '2025-01-01' } });
  });

  it('starts after the key given, and has no key to go on from on the last page', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const page = await queryPage<Order, ByUser>(client, query, { limit: 20, startKey: { orderId: 'o1', userId: 'ann', createdAt: '2025-01-01' } }, KEY);
    expect(page).toEqual({ items: [] });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({ ...query, Limit: 21, ExclusiveStartKey: { orderId: 'o1', userId: 'ann', createdAt: '2025-01-01' } });
  });
});
