import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useFakeDynamoDB } from '../src';

const TABLE = 'products';
/** A client whose requests, when no stub is in the way, end at a handler that refuses them. */
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: () => Promise.reject(new Error('the request reached the network')),
    },
  }),
);
const get = (productId: string) => client.send(new GetCommand({ TableName: TABLE, Key: { productId } }));

describe('useFakeDynamoDB', () => {
  describe('in a suite', () => {
    const { ddb, db } = useFakeDynamoDB({ [TABLE]: 'productId' }, { [TABLE]: { 'by-name': ['name', 'productId'] } });
    const beforeTheFirstTest = (() => {
      try {
        return db();
      } catch (error) {
        return error;
      }
    })();

    it('has no fake to hand before the first test starts', () => {
      expect(beforeTheFirstTest).toEqual(expect.objectContaining({ message: expect.stringContaining('no fake before the first test starts') }));
    });

    it('answers the client from the fake, first of two tests that run in this order', async () => {
      await client.send(new PutCommand({ TableName: TABLE, Item: { productId: 'mug', name: 'Mug' } }));
      ddb.on(GetCommand, { TableName: TABLE, Key: { productId: 'cup' } }).resolves({ Item: { productId: 'cup', name: 'Armed' } });
      expect(db().get(TABLE, 'mug')).toEqual({ productId: 'mug', name: 'Mug' });
      expect((await get('mug')).Item).toEqual({ productId: 'mug', name: 'Mug' });
      expect((await get('cup')).Item).toEqual({ productId: 'cup', name: 'Armed' });
    });

    it('gives the next test an empty table, a stub without the last test’s answers and no calls', async () => {
      expect(ddb.calls()).toHaveLength(0);
      expect(db().items(TABLE)).toEqual([]);
      expect((await get('mug')).Item).toBeUndefined();
      expect((await get('cup')).Item).toBeUndefined();
    });

    it('queries the indexes it was given', async () => {
      db().put(TABLE, { productId: 'mug', name: 'Mug' });
      db().put(TABLE, { productId: 'cup', name: 'Cup' });
      const page = await client.send(
        new QueryCommand({ TableName: TABLE, IndexName: 'by-name', KeyConditionExpression: '#name = :name', ExpressionAttributeNames: { '#name': 'name' }, ExpressionAttributeValues: { ':name': 'Mug' } }),
      );
      expect(page.Items).toEqual([{ productId: 'mug', name: 'Mug' }]);
    });
  });

  it('restores the client after the suite: its requests reach the network again', async () => {
    await expect(get('mug')).rejects.toThrow('the request reached the network');
  });
});
