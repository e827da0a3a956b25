import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { invokeHandler, setInvocationHooks } from '@shop/common';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANSWER_RESERVE_MS, clientOptions } from '../src/client-options';

/*
 * A real DynamoDB client against a real HTTP server that never answers: how long does a call hang
 * inside an invocation that has little time left, and outside one?
 */
const held: IncomingMessage[] = [];
const server = createServer((req) => {
  held.push(req);
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
});

const dynamo = () => new DynamoDBClient({ ...clientOptions(), region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const getItem = new GetItemCommand({ TableName: 'orders', Key: { orderId: { S: 'o-1' } } });

/** A function with `timeLeftMs` left in its invocation, which makes the call and answers how it ended. */
async function callWithin(timeLeftMs: number): Promise<{ error: unknown; elapsedMs: number }> {
  const deadline = Date.now() + timeLeftMs;
  const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
  const handler = invokeHandler(z.object({}), async () => {
    const started = Date.now();
    const error = await dynamo()
      .send(getItem)
      .then(() => undefined, (failure: unknown) => failure);
    return { error, elapsedMs: Date.now() - started };
  });
  return (await handler({}, context)) as { error: unknown; elapsedMs: number };
}

describe('a call to a service that hangs', () => {
  it('gives up before the invocation ends, keeping time for the answer: 3 s left, not the 15 s of three 5 s attempts', { timeout: 10_000 }, async () => {
    const { error, elapsedMs } = await callWithin(3_000);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('InvocationDeadline');
    expect(elapsedMs).toBeGreaterThanOrEqual(3_000 - ANSWER_RESERVE_MS - 100);
    expect(elapsedMs).toBeLessThan(3_000 - ANSWER_RESERVE_MS + 1_000);
    expect(held).toHaveLength(1);
  });

  it('is not sent at all when the invocation has no time left for it', async () => {
    const { error, elapsedMs } = await callWithin(ANSWER_RESERVE_MS - 200);

    expect((error as Error).name).toBe('InvocationDeadline');
    expect(elapsedMs).toBeLessThan(1_000);
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
