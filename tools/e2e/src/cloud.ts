import { createPrivateKey, createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ApiClient } from '@shop/testing';
import { inject } from 'vitest';
import './global-setup';

/** What the suite's global setup started: the API and the seeded accounts. */
export const cloud = inject('cloud');
export const api = new ApiClient(cloud.apiUrl);

const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: cloud.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);

/** Every item of a table, read straight from DynamoDB: how a test proves that bad input wrote nothing. */
export async function scanAll(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * Re-signs a token's claims with cognito-local's own signing key (shipped in its package),
 * so a test can make a token that is correctly signed but expired.
 */
export function resignLocalToken(token: string, change: (claims: Record<string, unknown>) => Record<string, unknown>): string {
  const keyFile = JSON.parse(readFileSync(createRequire(__filename).resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8'));
  const [header = '', payload = ''] = token.split('.');
  const claims = change(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  const unsigned = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(createPrivateKey({ key: keyFile.jwk, format: 'jwk' }));
  return `${unsigned}.${signature.toString('base64url')}`;
}
