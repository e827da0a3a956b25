import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoDocumentClient, tableAccess } from '../src';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('tableAccess', () => {
  it("reads each table's name from its environment variable at each call, not when the adapter is made", () => {
    const { tableName } = tableAccess({}, { tableName: 'idempotency-keys' });
    vi.stubEnv('IDEMPOTENCY_KEYS_TABLE', 'shop-test-order-service-idempotency-keys');
    expect(tableName()).toBe('shop-test-order-service-idempotency-keys');
    vi.stubEnv('IDEMPOTENCY_KEYS_TABLE', 'another');
    expect(tableName()).toBe('another');
  });

  it('names the missing variable when a table is used without one', () => {
    vi.stubEnv('PRODUCTS_TABLE', '');
    const { productsTable } = tableAccess({}, { productsTable: 'products' });
    expect(() => productsTable()).toThrow('environment variable PRODUCTS_TABLE is not set');
  });

  it('takes what the options give over the defaults, table by table', () => {
    vi.stubEnv('RESERVATIONS_TABLE', 'from-the-environment');
    const client = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const access = tableAccess({ client, productsTable: () => 'given' }, { productsTable: 'products', reservationsTable: 'reservations' });
    expect(access.client).toBe(client);
    expect(access.productsTable()).toBe('given');
    expect(access.reservationsTable()).toBe('from-the-environment');
  });

  it('uses the shared document client by default', () => {
    expect(tableAccess({}, { tableName: 'orders' }).client).toBe(dynamoDocumentClient);
  });
});
