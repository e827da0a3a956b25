import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defineService, loadManifests } from '@shop/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../src/dynamodb-local';
import { LOCAL_AWS } from '../src/local-aws';
import { createTableInput, ensureTables } from '../src/tables';

const orders = defineService({
  name: 'order-service',
  description: 'A manifest with every table feature the local cloud must create.',
  tables: {
    orders: {
      description: 'Orders by id, listed per user newest first, streamed to order-events.',
      partitionKey: { name: 'orderId', type: 'S' },
      globalSecondaryIndexes: [
        { name: 'by-user', partitionKey: { name: 'userId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      ],
      stream: 'NEW_AND_OLD_IMAGES',
    },
    idempotencyKeys: {
      description: 'Seen idempotency keys, expiring.',
      partitionKey: { name: 'key', type: 'S' },
      sortKey: { name: 'scope', type: 'S' },
      ttlAttribute: 'expiresAt',
    },
  },
  functions: {},
});

describe('createTableInput', () => {
  it('declares each key attribute once, on-demand billing, GSIs projecting ALL and the stream', () => {
    expect(createTableInput('t', orders.tables.orders)).toEqual({
      TableName: 't',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'orderId', AttributeType: 'S' },
        { AttributeName: 'userId', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-user',
          KeySchema: [
            { AttributeName: 'userId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('adds neither indexes nor a stream that the table does not declare', () => {
    const input = createTableInput('t', orders.tables.idempotencyKeys);
    expect(input.KeySchema).toEqual([
      { AttributeName: 'key', KeyType: 'HASH' },
      { AttributeName: 'scope', KeyType: 'RANGE' },
    ]);
    expect(input).not.toHaveProperty('GlobalSecondaryIndexes');
    expect(input).not.toHaveProperty('StreamSpecification');
  });
});

describe('ensureTables on DynamoDB Local', () => {
  let ddb: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: ddb.endpoint });
  });

  afterAll(async () => {
    client?.destroy();
    await ddb?.stop();
  });

  it('creates every table with its physical name, GSIs, stream and TTL', async () => {
    const result = await ensureTables(client, 'test', [orders]);
    expect(result).toEqual({
      created: ['shop-test-order-service-orders', 'shop-test-order-service-idempotencyKeys'],
      existing: [],
    });

    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'shop-test-order-service-orders' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType])).toEqual([
      ['by-user', 'ALL'],
    ]);
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toBeTruthy();

    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'shop-test-order-service-idempotencyKeys' }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('leaves existing tables alone, so a persisted database can be started again', async () => {
    const result = await ensureTables(client, 'test', [orders]);
    expect(result.created).toEqual([]);
    expect(result.existing).toHaveLength(2);
  });

  it("creates the real services' tables", async () => {
    const services = await loadManifests();
    const result = await ensureTables(client, 'local', services);
    expect(result.created).toEqual(
      expect.arrayContaining(['shop-local-product-service-products', 'shop-local-user-service-users']),
    );
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'shop-local-product-service-products' }));
    expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('by-listing');
  });
});
