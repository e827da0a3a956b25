import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { defineService } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { requestsOutsideGrant, type SentCommand } from '../src/table-grants';

const service = defineService({
  name: 'stock-service',
  description: 'A test service.',
  tables: {
    holds: {
      description: 'Holds on stock.',
      partitionKey: { name: 'holdId', type: 'S' },
      globalSecondaryIndexes: [{ name: 'byProduct', partitionKey: { name: 'productId', type: 'S' } }],
    },
  },
  functions: {
    hold: {
      description: 'Holds stock.',
      triggers: [],
      permissions: {
        tables: { holds: { actions: ['PutItem'], indexes: { byProduct: ['Query'] } } },
        foreignTables: { 'product-service/products': { actions: ['UpdateItem', 'GetItem'], attributes: ['productId', 'stock', 'listing'] } },
      },
    },
  },
});

const sent = (...commands: object[]) => commands.map((command) => ({ args: [command] }) as unknown as SentCommand);
const PRODUCTS = 'shop-test-product-service-products';
const HOLDS = 'shop-test-stock-service-holds';
const outside = (...commands: object[]) => requestsOutsideGrant(service, 'hold', sent(...commands));

describe('requests outside a function’s grant', () => {
  it('are none when every request is an action the manifest grants, within its attributes', () => {
    expect(
      outside(
        new GetCommand({ TableName: PRODUCTS, Key: { productId: 'p' }, ProjectionExpression: 'stock' }),
        new QueryCommand({ TableName: HOLDS, IndexName: 'byProduct', KeyConditionExpression: 'productId = :p', ExpressionAttributeValues: { ':p': 'p' } }),
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: HOLDS, Item: { holdId: 'h' } } },
            { Update: { TableName: PRODUCTS, Key: { productId: 'p' }, UpdateExpression: 'SET stock = stock - :q', ConditionExpression: 'attribute_exists(listing)' } },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('name an action on a table, or on an index, that the manifest does not grant', () => {
    expect(outside(new GetCommand({ TableName: HOLDS, Key: { holdId: 'h' } }))).toEqual([`GetItem on ${HOLDS}: not granted to stock-service/hold`]);
    expect(outside(new QueryCommand({ TableName: HOLDS, KeyConditionExpression: 'holdId = :h' }))).toEqual([`Query on ${HOLDS}: not granted to stock-service/hold`]);
    expect(outside(new UpdateCommand({ TableName: 'shop-test-product-service-reviews', Key: { id: 'r' }, UpdateExpression: 'SET a = :a' }))).toHaveLength(1);
  });

  it('name what a grant limited to some attributes refuses: other attributes, a read without a projection, whole items back', () => {
    expect(outside(new UpdateCommand({ TableName: PRODUCTS, Key: { productId: 'p' }, UpdateExpression: 'SET price = :p', ReturnValues: 'ALL_NEW' }))).toEqual([
      `UpdateItem on ${PRODUCTS} names price, outside productId, stock, listing`,
      `UpdateItem on ${PRODUCTS} asks ReturnValues ALL_NEW`,
    ]);
    expect(outside(new GetCommand({ TableName: PRODUCTS, Key: { productId: 'p' } }))).toEqual([`GetItem on ${PRODUCTS} reads without a projection, so asks for every attribute`]);
  });
});
