import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AsyncFailure, type LambdaApi, MAX_PAYLOAD_BYTES, startLambdaApi } from '../src/lambda-api';
import { LambdaRuntime } from '../src/lambda-runtime';
import { Fixtures, logCollector, sleep } from './lambda-fixtures';

const fixtures = new Fixtures();
const logs = logCollector();
const runtime = new LambdaRuntime({ onLog: logs.onLog });
const asyncFailures: AsyncFailure[] = [];
let api: LambdaApi;
let lambda: LambdaClient;

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as unknown;

beforeAll(async () => {
  runtime.register(fixtures.fn('echo', `exports.handler = async (event) => ({ echoed: event });`));
  runtime.register(fixtures.fn('fails', `exports.handler = async () => { throw new Error('out of stock'); };`));
  runtime.register(
    fixtures.fn(
      'records',
      `const seen = [];
       exports.handler = async (event) => { if (event.read) return seen; seen.push(event.value); return null; };`,
    ),
  );
  api = await startLambdaApi(runtime, { port: 0, onAsyncFailure: (failure) => asyncFailures.push(failure) });
  lambda = new LambdaClient({
    endpoint: api.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  lambda.destroy();
  await api.close();
  await runtime.stop();
  fixtures.cleanup();
});

describe('Lambda Invoke API with the real SDK client', () => {
  it('answers a RequestResponse invoke with the payload', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({ orderId: 'o-1' }) }));

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(response.ExecutedVersion).toBe('$LATEST');
    expect(decode(response.Payload)).toEqual({ echoed: { orderId: 'o-1' } });
  });

  it('accepts a function ARN and an empty payload', async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:echo' }),
    );
    expect(decode(response.Payload)).toEqual({ echoed: {} });
  });

  it('reports a function error as Unhandled with the error payload', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'fails', Payload: encode({}) }));

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    expect(decode(response.Payload)).toMatchObject({
      errorType: 'Error',
      errorMessage: 'out of stock',
      trace: expect.arrayContaining(['Error: out of stock']),
    });
  });

  it('accepts an Event invoke with 202 and runs it in the background', async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: 'records', InvocationType: 'Event', Payload: encode({ value: 'async-1' }) }),
    );
    expect(response.StatusCode).toBe(202);

    let seen: unknown = [];
    for (let i = 0; i < 50 && !(seen as unknown[]).includes('async-1'); i++) {
      await sleep(20);
      seen = decode((await lambda.send(new InvokeCommand({ FunctionName: 'records', Payload: encode({ read: true }) }))).Payload);
    }
    expect(seen).toContain('async-1');
  });

  it('reports a failed Event invoke to onAsyncFailure', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'fails', InvocationType: 'Event', Payload: encode({ n: 1 }) }));
    expect(response.StatusCode).toBe(202);
    for (let i = 0; i < 100 && asyncFailures.length === 0; i++) await sleep(20);

    expect(asyncFailures).toEqual([
      expect.objectContaining({ functionName: 'fails', event: { n: 1 }, error: expect.objectContaining({ errorMessage: 'out of stock' }) }),
    ]);
    expect(asyncFailures[0]?.requestId).toBe(response.$metadata.requestId);
  });

  it('answers DryRun with 204 without running the function', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    expect(response.StatusCode).toBe(204);
  });

  it('maps an unknown function to ResourceNotFoundException', async () => {
    const error = await lambda.send(new InvokeCommand({ FunctionName: 'nope', Payload: encode({}) })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe('Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
  });

  it('refuses a payload over 6 MB with RequestTooLargeException', async () => {
    const response = await fetch(`${api.url}/2015-03-31/functions/echo/invocations`, {
      method: 'POST',
      body: JSON.stringify({ blob: 'x'.repeat(MAX_PAYLOAD_BYTES) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
  });

  it('refuses a payload that is not JSON', async () => {
    const response = await fetch(`${api.url}/2015-03-31/functions/echo/invocations`, { method: 'POST', body: '{nope' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
  });
});
