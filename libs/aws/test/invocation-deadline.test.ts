import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { invokeHandler, setInvocationHooks } from '@shop/common';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANSWER_RESERVE_MS, clientOptions, InvocationBoundHandler } from '../src/client-options';

/*
 * A real DynamoDB client against a real HTTP server that never answers: how long does a call hang
 * inside an invocation that has little time left, and outside one?
 */
const held: IncomingMessage[] = [];
let resetting = false;
const server = createServer((req) => {
  held.push(req);
  // A connection dropped under the request (a stale keep-alive socket): the SDK retries it.
  if (resetting) req.socket.destroy();
});
let endpoint = '';
beforeAll(async () => {
  setInvocationHooks({});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  held.length = 0;
  resetting = false;
});

const dynamo = () => new DynamoDBClient({ ...clientOptions(), region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const getItem = new GetItemCommand({ TableName: 'orders', Key: { orderId: { S: 'o-1' } } });

/** A function with `timeLeftMs` left in its invocation, which makes `calls` calls one after the other and answers how each ended. */
async function callWithin(timeLeftMs: number, calls = 1): Promise<{ error: unknown; elapsedMs: number }[]> {
  const deadline = Date.now() + timeLeftMs;
  const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
  const handler = invokeHandler(z.object({}), async () => {
    const ended: { error: unknown; elapsedMs: number }[] = [];
    for (let i = 0; i < calls; i++) {
      const started = Date.now();
      const error = await dynamo()
        .send(getItem)
        .then(() => undefined, (failure: unknown) => failure);
      ended.push({ error, elapsedMs: Date.now() - started });
    }
    return ended;
  });
  return (await handler({}, context)) as { error: unknown; elapsedMs: number }[];
}

describe('a call to a service that hangs', () => {
  it('gives up before the invocation ends, keeping time for the answer, and is not tried again: 3 s left, not the 15 s of three 5 s attempts', { timeout: 10_000 }, async () => {
    const [{ error, elapsedMs }] = (await callWithin(3_000)) as [{ error: unknown; elapsedMs: number }];

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('InvocationDeadline');
    expect(elapsedMs).toBeGreaterThanOrEqual(3_000 - ANSWER_RESERVE_MS - 100);
    expect(elapsedMs).toBeLessThan(3_000 - ANSWER_RESERVE_MS + 500);
    expect(held).toHaveLength(1);
  });

  it('leaves a call made after it (a recovery read, the record of what was done) half of the time left, and the answer the other half', { timeout: 10_000 }, async () => {
    const [first, second] = await callWithin(3_000, 2);

    expect((first!.error as Error).name).toBe('InvocationDeadline');
    expect((second!.error as Error).name).toBe('InvocationDeadline');
    // About 1.5 s were left for the second call: it had half of them.
    expect(second!.elapsedMs).toBeGreaterThanOrEqual(600);
    expect(second!.elapsedMs).toBeLessThan(1_000);
    expect(held).toHaveLength(2);
  });

  it('is still retried, as it always was, when its connection is reset well before the deadline', { timeout: 10_000 }, async () => {
    resetting = true;
    const [{ error }] = (await callWithin(4_000)) as [{ error: unknown; elapsedMs: number }];

    expect((error as Error).name).not.toBe('InvocationDeadline');
    expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(3);
    expect(held).toHaveLength(3);
  });

  it('is not sent at all when the invocation has no time left for it', async () => {
    const [{ error, elapsedMs }] = (await callWithin(150)) as [{ error: unknown; elapsedMs: number }];

    expect((error as Error).name).toBe('InvocationDeadline');
    expect(elapsedMs).toBeLessThan(100);
    expect(held).toHaveLength(0);
  });

  it('outside an invocation (a script, a test) is bounded by its attempts alone', { timeout: 10_000 }, async () => {
    const client = new DynamoDBClient({ ...clientOptions(), maxAttempts: 1, region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const started = Date.now();
    const error = await client.send(getItem).then(() => undefined, (failure: unknown) => failure);

    expect((error as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
  });
});

describe("the shop's clients", () => {
  it('all send through the invocation-bound handler', async () => {
    const clients = await import('../src/index.js');
    const made = {
      dynamo: clients.dynamoClient(),
      lambda: clients.lambdaClient(),
      sqs: clients.sqsClient(),
      sfn: clients.sfnClient(),
      eventBridge: clients.eventBridgeClient(),
      cognito: clients.cognitoClient(),
      sns: clients.snsClient(),
      ses: clients.sesClient(),
    };
    for (const [name, client] of Object.entries(made)) {
      expect(client.config.requestHandler, name).toBeInstanceOf(InvocationBoundHandler);
    }
  });
});
