import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { findRepoRoot, loadManifests, physicalName } from '@shop/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbFront } from '../src/dynamodb-front';
import { type DynamoDbLocal, startDynamoDbLocal } from '../src/dynamodb-local';
import type { ListeningServer } from '../src/http-server';
import { functionAccessKeyId, LocalIam } from '../src/iam/local-iam';
import { localPolicies } from '../src/iam/local-policies';
import { LOCAL_ACCOUNT_ID } from '../src/lambda-runtime';
import { UsageMeter } from '../src/usage/usage-meter';

let dynamodb: DynamoDbLocal;
let proxy: ListeningServer;
let client: DynamoDBDocumentClient;
const meter = new UsageMeter();
const iam = new LocalIam(LOCAL_ACCOUNT_ID);
const STAGE = 'test';
const PRODUCTS = physicalName(STAGE, 'product-service', 'products');

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal();
  proxy = await startDynamoDbFront({ target: dynamodb.endpoint, meter, access: { authorizer: iam, region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID } });
  const services = await loadManifests(findRepoRoot());
  const policies = localPolicies({
    stage: STAGE,
    region: 'us-east-1',
    services,
    userPoolId: 'us-east-1_local',
    emailFrom: 'orders@shop.local',
    secretParameters: { apiKeyParameter: '/a', webhookSecretParameter: '/b' },
  });
  const adjustStock = physicalName(STAGE, 'inventory-service', 'adjust-stock');
  iam.register(functionAccessKeyId(adjustStock), adjustStock, policies('inventory-service', 'adjust-stock'));
  client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint: proxy.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  for (const TableName of ['metered-a', 'metered-b', PRODUCTS]) {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: TableName === PRODUCTS ? 'productId' : 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: TableName === PRODUCTS ? 'productId' : 'id', KeyType: 'HASH' }],
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await dynamodb?.stop();
});

describe('the DynamoDB meter', () => {
  it("counts the request units DynamoDB Local reports, per table, and answers as DynamoDB does", async () => {
    // 3 KB: 3 write units; read back strongly consistent: 1 read unit (up to 4 KB), eventually: half.
    await client.send(new PutCommand({ TableName: 'metered-a', Item: { id: 'a', text: 'x'.repeat(3000) } }));
    const read = await client.send(new GetCommand({ TableName: 'metered-a', Key: { id: 'a' }, ConsistentRead: true }));
    await client.send(new GetCommand({ TableName: 'metered-a', Key: { id: 'a' } }));
    expect(read.Item?.['text']).toHaveLength(3000);
    expect(meter.snapshot().dynamodb['metered-a']).toEqual({ requests: 3, readUnits: 1.5, writeUnits: 3 });
  });

  it('counts a transaction on each table it writes, at twice the units of a plain write', async () => {
    await client.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: 'metered-b', Item: { id: 'b' } } }, { Put: { TableName: 'metered-a', Item: { id: 'c' } } }],
      }),
    );
    const { dynamodb: tables } = meter.snapshot();
    expect(tables['metered-b']).toEqual({ requests: 1, readUnits: 0, writeUnits: 2 });
    expect(tables['metered-a']?.writeUnits).toBe(5);
  });

  it('passes on what DynamoDB refuses, unchanged and uncounted', async () => {
    const before = meter.snapshot();
    await expect(client.send(new GetCommand({ TableName: 'no-such-table', Key: { id: 'a' } }))).rejects.toThrow(/non-existent table/);
    expect(meter.snapshot().dynamodb).toEqual(before.dynamodb);
  });
});

describe("the functions' requests", () => {
  const asAdjustStock = () =>
    DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'us-east-1',
        endpoint: proxy.url,
        maxAttempts: 1,
        credentials: { accessKeyId: functionAccessKeyId(physicalName(STAGE, 'inventory-service', 'adjust-stock')), secretAccessKey: 'local' },
      }),
    );

  it("are held to the function's policy, attribute by attribute (decision 91), and an operator's are not", async () => {
    await client.send(new PutCommand({ TableName: PRODUCTS, Item: { productId: 'p-1', stock: 5, listing: 'LISTED', price: 1000 } }));
    const inventory = asAdjustStock();
    try {
      await inventory.send(
        new UpdateCommand({
          TableName: PRODUCTS,
          Key: { productId: 'p-1' },
          UpdateExpression: 'SET stock = stock - :q',
          ConditionExpression: 'attribute_exists(listing) AND stock >= :q',
          ExpressionAttributeValues: { ':q': 1 },
        }),
      );
      const read = await inventory.send(new GetCommand({ TableName: PRODUCTS, Key: { productId: 'p-1' }, ProjectionExpression: 'stock' }));
      expect(read.Item).toEqual({ stock: 4 });

      const reprice = inventory.send(new UpdateCommand({ TableName: PRODUCTS, Key: { productId: 'p-1' }, UpdateExpression: 'SET price = :p', ExpressionAttributeValues: { ':p': 1 } }));
      await expect(reprice).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(`dynamodb:UpdateItem on resource: arn:aws:dynamodb:us-east-1:${LOCAL_ACCOUNT_ID}:table/${PRODUCTS} because`),
      });
      // Unprojected, a read asks for every attribute, price among them.
      await expect(inventory.send(new GetCommand({ TableName: PRODUCTS, Key: { productId: 'p-1' } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      await expect(inventory.send(new PutCommand({ TableName: 'metered-a', Item: { id: 'x' } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      inventory.destroy();
    }
    // Nothing refused was written, and an operator may do what inventory may not.
    expect((await client.send(new GetCommand({ TableName: PRODUCTS, Key: { productId: 'p-1' } }))).Item).toEqual({ productId: 'p-1', stock: 4, listing: 'LISTED', price: 1000 });
    expect(iam.denials().map((d) => d.action)).toEqual(['dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
  });
});

describe('a request that is not JSON', () => {
  it('is answered by DynamoDB Local, exactly as without the front, and not judged', async () => {
    const send = (endpoint: string, accessKeyId: string) =>
      fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.GetItem',
          authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261206/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00`,
        },
        body: '{not json',
      });
    const direct = await send(dynamodb.endpoint, 'local');
    const through = await send(proxy.url, functionAccessKeyId(physicalName(STAGE, 'inventory-service', 'adjust-stock')));
    expect(through.status).toBe(direct.status);
    expect(await through.json()).toEqual(await direct.json());
  });
});
