import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoProductRepository } from '../../src/adapters/dynamodb-product-repository';
import { handler } from '../../src/handlers/get-products';
import { service } from '../../src/service';
import { storedProduct } from '../fixtures';
import { LOCAL_TABLES_TEST_TIMEOUT_MS, type LocalTables, startLocalTables } from '@shop/local-cloud';

/** get-products against DynamoDB Local: the real BatchGetItem, keys, consistency and soft deletes. */

let local: LocalTables;
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

beforeAll(async () => {
  local = await startLocalTables([service]);
  const table = local.tableName('product-service', 'products');
  for (let i = 0; i < 60; i++) {
    await local.client.send(new PutCommand({ TableName: table, Item: storedProduct({ productId: id(i), name: `Item ${i}`, stock: i }) }));
  }
  await dynamoProductRepository().softDelete(id(7), new Date());
}, 120_000);

afterAll(async () => {
  await local?.stop();
}, 30_000);

describe('get-products on DynamoDB Local', { timeout: LOCAL_TABLES_TEST_TIMEOUT_MS }, () => {
  it('answers 100 ids: the 60 known in the order asked, the soft-deleted one not listed, unknown ones left out', async () => {
    const asked = Array.from({ length: 100 }, (_, i) => id(99 - i));

    const answer = await handler({ productIds: asked }, lambdaContext('get-products'));

    expect(answer.products.map((p) => p.productId)).toEqual(Array.from({ length: 60 }, (_, i) => id(59 - i)));
    expect(answer.products.find((p) => p.productId === id(7))).toMatchObject({ name: 'Item 7', stock: 7, listed: false });
    expect(answer.products.filter((p) => !p.listed)).toHaveLength(1);
    expect(answer.products.find((p) => p.productId === id(12))).toEqual({
      productId: id(12),
      name: 'Item 12',
      price: { amount: 1450, currency: 'EUR' },
      stock: 12,
      listed: true,
    });
  });
});
