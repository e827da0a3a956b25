import { createPrivateKey, createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ApiClient } from '@shop/testing';
import { expect, inject } from 'vitest';
import './global-setup';

/** What the suite's global setup started: the API and the seeded accounts. */
export const cloud = inject('cloud');
export const api = new ApiClient(cloud.apiUrl);

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ ...local, endpoint: cloud.dynamodbEndpoint }));
const sqs = new SQSClient({ ...local, endpoint: cloud.sqsEndpoint });
const sfn = new SFNClient({ ...local, endpoint: cloud.stepFunctionsEndpoint });

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
 * Sets attributes of one item straight in DynamoDB: how a test moves a clock it cannot wait for
 * (an order's payment window that has just closed).
 */
export async function setAttributes(table: string, key: Record<string, unknown>, values: Record<string, unknown>): Promise<void> {
  const names = Object.keys(values);
  await dynamo.send(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:v${i}`, values[name]])),
    }),
  );
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

/** How many executions of the checkout state machine an order has: one, however often it was placed. */
export async function executionsOf(orderId: string): Promise<number> {
  const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: cloud.checkoutStateMachineArn, maxResults: 1000 }));
  return (all.executions ?? []).filter((e) => e.name === orderId).length;
}

/** The checkout execution of an order (named after it): its status, and its error when it failed. */
export async function executionOf(orderId: string): Promise<{ status?: string; error?: string }> {
  const executionArn = `${cloud.checkoutStateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return { status: execution.status, ...(execution.error ? { error: execution.error } : {}) };
}

const queueUrl = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;

/** Puts raw message bodies on the payment-events queue in one batch, as payment-webhook would. */
export async function sendToPaymentQueue(bodies: readonly string[]): Promise<void> {
  const QueueUrl = await queueUrl(cloud.paymentQueueName);
  const sent = await sqs.send(
    new SendMessageBatchCommand({ QueueUrl, Entries: bodies.map((MessageBody, i) => ({ Id: `m${i}`, MessageBody })) }),
  );
  if (sent.Failed?.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(sent.Failed)}`);
}

/** Bodies now in the payment-events dead-letter queue (peeked: they stay there). */
export async function dlqMessages(): Promise<string[]> {
  const QueueUrl = await queueUrl(`${cloud.paymentQueueName}-dlq`);
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
  return (got.Messages ?? []).map((m) => m.Body ?? '');
}

/** A fault as `POST /_local/faults` takes it (tools/local-cloud/src/faults.ts lists the kinds). */
export interface Fault {
  kind: string;
  target?: string;
  count?: number;
  delayMs?: number;
}

/** Arms faults in the running cloud; they fire on the next matching calls. */
export async function injectFaults(...faults: Fault[]): Promise<void> {
  const res = await api.post('/_local/faults', faults);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** How many faults of each kind fired since the cloud started, and the ones still armed. */
export async function faultsState(): Promise<{ armed: (Fault & { fired: number })[]; fired: Record<string, number> }> {
  const res = await api.get('/_local/faults');
  expect(res.status).toBe(200);
  return res.body;
}

/** Disarms every fault not yet spent. */
export async function clearFaults(): Promise<void> {
  expect((await api.delete('/_local/faults')).status).toBe(200);
}
