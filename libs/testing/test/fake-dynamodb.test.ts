import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { useFakeDynamoDB } from '../src';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const TABLE = 'products';
const RESERVATIONS = 'reservations';
const { db } = useFakeDynamoDB({ [TABLE]: 'productId', [RESERVATIONS]: ['orderId', 'productId'] }, { [TABLE]: { 'by-listing': ['listing', 'createdAt'] } });

const throttled = () => Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });

describe('FakeDynamoDB', () => {
  it('refuses a conditional Put whose condition does not hold, and keeps the item it found', async () => {
    db().put(TABLE, { productId: 'p1', name: 'Mug' });
    const put = async () => client.send(new PutCommand({ TableName: TABLE, Item: { productId: 'p1', name: 'Cup' }, ConditionExpression: 'attribute_not_exists(productId)' }));
    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(db().get(TABLE, 'p1')).toEqual({ productId: 'p1', name: 'Mug' });
  });

  it('hands the item as it was, in the wire format, with a refused write that asks for ALL_OLD', async () => {
    db().put(TABLE, { productId: 'p1', version: 5 });
    const update = async () =>
      client.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { productId: 'p1' },
          UpdateExpression: 'ADD version :one',
          ConditionExpression: 'attribute_not_exists(version) OR version IN (:v0, :v1)',
          ExpressionAttributeValues: { ':one': 1, ':v0': 3, ':v1': 4 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    await expect(update()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException', Item: { productId: { S: 'p1' }, version: { N: '5' } } });
  });

  it('applies SET, REMOVE and ADD in one update, counting a missing number as 0', async () => {
    db().put(TABLE, { productId: 'p1', name: 'Mug', listing: 'LISTED' });
    const out = await client.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { productId: 'p1' },
        UpdateExpression: 'SET #a0 = :v0, updatedAt = :now REMOVE listing ADD version :one',
        ExpressionAttributeNames: { '#a0': 'name' },
        ExpressionAttributeValues: { ':v0': 'Cup', ':now': 'today', ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(out.Attributes).toEqual({ productId: 'p1', name: 'Cup', updatedAt: 'today', version: 1 });
    await client.send(new UpdateCommand({ TableName: TABLE, Key: { productId: 'p1' }, UpdateExpression: 'ADD version :one SET #n = :n', ExpressionAttributeNames: { '#n': 'name' }, ExpressionAttributeValues: { ':one': 1, ':n': 'Bowl' } }));
    expect(db().get(TABLE, 'p1')).toMatchObject({ name: 'Bowl', version: 2 });
  });

  it('answers a Get with the attributes its projection names', async () => {
    db().put(TABLE, { productId: 'p1', name: 'Mug', stock: 3 });
    expect(await client.send(new GetCommand({ TableName: TABLE, Key: { productId: 'p1' }, ProjectionExpression: 'stock' }))).toEqual({ Item: { stock: 3 } });
  });

  it('answers a BatchGet with the items that exist, projected to the attributes asked for', async () => {
    db().put(TABLE, { productId: 'p1', name: 'Mug', stock: 3 });
    db().put(TABLE, { productId: 'p2', name: 'Cup', stock: 0 });
    const out = await client.send(
      new BatchGetCommand({
        RequestItems: { [TABLE]: { Keys: [{ productId: 'p2' }, { productId: 'missing' }, { productId: 'p1' }], ProjectionExpression: 'productId, #stock', ExpressionAttributeNames: { '#stock': 'stock' } } },
      }),
    );
    expect(out.Responses?.[TABLE]).toEqual([
      { productId: 'p2', stock: 0 },
      { productId: 'p1', stock: 3 },
    ]);
    expect(out.UnprocessedKeys).toEqual({});
  });

  it('leaves a key unprocessed as many times as told, then answers it', async () => {
    db().put(TABLE, { productId: 'p1' });
    db().put(TABLE, { productId: 'p2' });
    db().leaveUnprocessed(TABLE, { productId: 'p2' }, 2);
    const batchGet = async (ids: string[]) => client.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: ids.map((productId) => ({ productId })), ConsistentRead: true } } }));

    expect(await batchGet(['p1', 'p2'])).toMatchObject({ Responses: { [TABLE]: [{ productId: 'p1' }] }, UnprocessedKeys: { [TABLE]: { Keys: [{ productId: 'p2' }], ConsistentRead: true } } });
    expect(await batchGet(['p2'])).toMatchObject({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [{ productId: 'p2' }] } } });
    expect(await batchGet(['p2'])).toEqual({ Responses: { [TABLE]: [{ productId: 'p2' }] }, UnprocessedKeys: {} });
  });

  it('runs what a test arms before the next call, so a write racing in first fails the condition of the one after it', async () => {
    db().beforeNext(PutCommand, () => db().put(TABLE, { productId: 'p1', name: 'Theirs' }));
    const put = async () => client.send(new PutCommand({ TableName: TABLE, Item: { productId: 'p1', name: 'Ours' }, ConditionExpression: 'attribute_not_exists(productId)' }));

    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(db().get(TABLE, 'p1')).toEqual({ productId: 'p1', name: 'Theirs' });
  });

  it('keeps items of a table with a sort key apart by both keys', async () => {
    db().put(RESERVATIONS, { orderId: 'o1', productId: 'p1', quantity: 1 });
    db().put(RESERVATIONS, { orderId: 'o1', productId: 'p2', quantity: 2 });
    expect(await client.send(new GetCommand({ TableName: RESERVATIONS, Key: { orderId: 'o1', productId: 'p2' } }))).toEqual({ Item: { orderId: 'o1', productId: 'p2', quantity: 2 } });
    expect(db().get(RESERVATIONS, { orderId: 'o1', productId: 'p1' })).toMatchObject({ quantity: 1 });
    expect(db().items(RESERVATIONS)).toHaveLength(2);
  });

  describe('Query', () => {
    const listed = (productId: string, createdAt: string) => ({ productId, listing: 'LISTED', createdAt });
    const newestFirst = async (Limit: number, ExclusiveStartKey?: Record<string, unknown>) =>
      client.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'by-listing',
          KeyConditionExpression: 'listing = :listed',
          ExpressionAttributeValues: { ':listed': 'LISTED' },
          ScanIndexForward: false,
          Limit,
          ...(ExclusiveStartKey && { ExclusiveStartKey }),
        }),
      );

    it('reads one partition of an index in sort key order, leaving out items without its keys, page by page', async () => {
      db().put(TABLE, listed('p1', '2025-01-01'));
      db().put(TABLE, listed('p3', '2025-01-03'));
      db().put(TABLE, { productId: 'p4', createdAt: '2025-01-04' });
      db().put(TABLE, listed('p2', '2025-01-02'));

      const first = await newestFirst(2);
      expect(first.Items?.map((i) => i['productId'])).toEqual(['p3', 'p2']);
      expect(first.LastEvaluatedKey).toEqual({ listing: 'LISTED', createdAt: '2025-01-02', productId: 'p2' });

      const second = await newestFirst(2, first.LastEvaluatedKey);
      expect(second.Items?.map((i) => i['productId'])).toEqual(['p1']);
      expect(second.LastEvaluatedKey).toBeUndefined();
    });

    it('refuses a key condition it does not understand rather than answer wrongly', async () => {
      const query = async () => client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'productId > :p', ExpressionAttributeValues: { ':p': 'a' } }));
      await expect(query()).rejects.toThrow(/cannot query/);
    });
  });

  describe('TransactWrite', () => {
    const reserve = async (quantity: number) =>
      client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: { productId: 'p1' },
                UpdateExpression: 'SET stock = stock - :quantity',
                ConditionExpression: 'stock >= :quantity',
                ExpressionAttributeValues: { ':quantity': quantity },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { Put: { TableName: RESERVATIONS, Item: { orderId: 'o1', productId: 'p1', quantity }, ConditionExpression: 'attribute_not_exists(orderId)' } },
            { ConditionCheck: { TableName: TABLE, Key: { productId: 'p1' }, ConditionExpression: 'attribute_exists(productId)' } },
          ],
        }),
      );

    it('applies every write when every condition holds', async () => {
      db().put(TABLE, { productId: 'p1', stock: 3 });
      await reserve(2);
      expect(db().get(TABLE, 'p1')).toEqual({ productId: 'p1', stock: 1 });
      expect(db().items(RESERVATIONS)).toEqual([{ orderId: 'o1', productId: 'p1', quantity: 2 }]);
    });

    it('cancels the lot when one condition fails, with a reason per item in the order sent', async () => {
      db().put(TABLE, { productId: 'p1', stock: 3 });
      await expect(reserve(4)).rejects.toMatchObject({
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: { productId: { S: 'p1' }, stock: { N: '3' } } }, { Code: 'None' }, { Code: 'None' }],
      });
      expect(db().get(TABLE, 'p1')).toEqual({ productId: 'p1', stock: 3 });
      expect(db().items(RESERVATIONS)).toEqual([]);
    });
  });

  it('fails the next call of an armed command once, changing nothing, and answers the call after it', async () => {
    db().put(TABLE, { productId: 'p1', name: 'Mug' });
    db().failNext(DeleteCommand, throttled());

    await expect((async () => client.send(new DeleteCommand({ TableName: TABLE, Key: { productId: 'p1' } })))()).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(db().get(TABLE, 'p1')).toEqual({ productId: 'p1', name: 'Mug' });
    expect(await client.send(new GetCommand({ TableName: TABLE, Key: { productId: 'p1' } }))).toMatchObject({ Item: { name: 'Mug' } });

    await client.send(new DeleteCommand({ TableName: TABLE, Key: { productId: 'p1' } }));
    expect(db().get(TABLE, 'p1')).toBeUndefined();
  });
});
