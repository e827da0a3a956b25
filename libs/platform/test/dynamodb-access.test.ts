import { describe, expect, it } from 'vitest';
import { attributesNamed, dynamodbAccessRequests, tableRequests } from '../src';

describe('the attributes a request names', () => {
  it('are its key, its item and every path its expressions start with, aliases resolved, values and functions left out', () => {
    expect(
      attributesNamed({
        Key: { productId: 'p' },
        UpdateExpression: 'SET stock = stock - :q, #s = :s, meta.updated = :now REMOVE hold[0] ADD views :one',
        ConditionExpression: 'attribute_exists(listing) AND stock >= :q AND NOT begins_with(#s, :prefix) AND size(tags) > :n',
        ExpressionAttributeNames: { '#s': 'status' },
      }),
    ).toEqual(['hold', 'listing', 'meta', 'productId', 'status', 'stock', 'tags', 'views']);
    expect(attributesNamed({ Item: { orderId: 'o', lines: [] }, ConditionExpression: 'attribute_not_exists(orderId)' })).toEqual(['lines', 'orderId']);
    expect(attributesNamed({ Keys: [{ productId: 'a' }], ProjectionExpression: 'productId, stock, #l', ExpressionAttributeNames: { '#l': 'listing' } })).toEqual([
      'listing',
      'productId',
      'stock',
    ]);
  });
});

describe('the table requests of a call, as IAM authorizes them', () => {
  it('reads the API operation and the SDK command class alike: a transaction item by item, a batch table by table', () => {
    const transaction = { TransactItems: [{ Update: { TableName: 'a', Key: { id: '1' } } }, { ConditionCheck: { TableName: 'b', Key: { id: '2' } } }] };
    expect(tableRequests('TransactWriteItems', transaction).map((r) => `${r.action} ${r.table}`)).toEqual(['UpdateItem a', 'ConditionCheckItem b']);
    expect(tableRequests('TransactWriteCommand', transaction).map((r) => `${r.action} ${r.table}`)).toEqual(['UpdateItem a', 'ConditionCheckItem b']);
    expect(tableRequests('BatchGetItem', { RequestItems: { a: { Keys: [] }, b: { Keys: [] } } }).map((r) => `${r.action} ${r.table}`)).toEqual(['BatchGetItem a', 'BatchGetItem b']);
    expect(tableRequests('Query', { TableName: 'a', IndexName: 'byProduct' })).toMatchObject([{ action: 'Query', table: 'a', index: 'byProduct' }]);
    expect(() => tableRequests('DescribeTable', { TableName: 'a' })).toThrow(/cannot tell what DescribeTable asks of DynamoDB/);
  });
});

describe('dynamodbAccessRequests', () => {
  const arns = { region: 'us-east-1', accountId: '000000000000' };
  const table = 'arn:aws:dynamodb:us-east-1:000000000000:table/shop-local-product-service-products';

  it('gives each request its resource and the condition keys fine-grained grants judge', () => {
    const input = {
      TableName: 'shop-local-product-service-products',
      Key: { productId: { S: 'p' } },
      UpdateExpression: 'SET stock = stock - :q',
      ConditionExpression: 'attribute_exists(listing)',
      ExpressionAttributeValues: { ':q': { N: '1' } },
      ReturnValues: 'UPDATED_NEW',
    };
    expect(dynamodbAccessRequests('UpdateItem', input, arns)).toEqual([
      { action: 'dynamodb:UpdateItem', resource: table, context: { 'dynamodb:Attributes': ['listing', 'productId', 'stock'], 'dynamodb:ReturnValues': 'UPDATED_NEW' } },
    ]);
    expect(dynamodbAccessRequests('Query', { TableName: 'shop-local-product-service-products', IndexName: 'byCategory', KeyConditionExpression: 'category = :c', Select: 'COUNT' }, arns)).toEqual([
      { action: 'dynamodb:Query', resource: `${table}/index/byCategory`, context: { 'dynamodb:Attributes': ['category'], 'dynamodb:Select': 'COUNT' } },
    ]);
  });

  it('counts a read without a projection as asking for every attribute', () => {
    const [get] = dynamodbAccessRequests('GetItem', { TableName: 'shop-local-product-service-products', Key: { productId: { S: 'p' } } }, arns);
    expect(get?.context).toEqual({ 'dynamodb:Attributes': ['productId'], 'dynamodb:Select': 'ALL_ATTRIBUTES' });
    const [projected] = dynamodbAccessRequests('GetItem', { TableName: 't', Key: { productId: { S: 'p' } }, ProjectionExpression: 'stock' }, arns);
    expect(projected?.context).toEqual({ 'dynamodb:Attributes': ['productId', 'stock'] });
  });

  it('judges an operation on no item as itself, on the table it names', () => {
    expect(dynamodbAccessRequests('DescribeTable', { TableName: 'shop-local-product-service-products' }, arns)).toEqual([{ action: 'dynamodb:DescribeTable', resource: table }]);
    expect(dynamodbAccessRequests('ListTables', {}, arns)).toEqual([{ action: 'dynamodb:ListTables', resource: '*' }]);
  });
});
