import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientOptions, deliveryClientOptions } from '../src/client-options';

/*
 * A real SESv2 client against a real HTTP server that answers as SES would: how many times does a
 * SendEmail that failed reach the service? Each request takes the next scripted answer.
 */
type Answer = (res: ServerResponse) => void;
const sent = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ MessageId: 'm-1' }));
const failed = (status: number, type: string) => (res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type }).end(JSON.stringify({ message: type }));

let script: Answer[] = [];
let requests = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    requests += 1;
    (script.shift() ?? sent)(res);
  });
});
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  requests = 0;
});

const ses = (options: object) => new SESv2Client({ ...options, region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const email = new SendEmailCommand({
  FromEmailAddress: 'orders@shop.local',
  Destination: { ToAddresses: ['ann@example.com'] },
  Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
});

describe('clients that deliver messages to people', () => {
  it('do not send again after a 5xx, when the message may have gone: the caller decides', async () => {
    script = [failed(500, 'InternalFailure')];
    await expect(ses(deliveryClientOptions()).send(email)).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(requests).toBe(1);
  });

  it('send again when throttled, when nothing was sent', { timeout: 20_000 }, async () => {
    script = [failed(429, 'TooManyRequestsException')];
    await expect(ses(deliveryClientOptions()).send(email)).resolves.toMatchObject({ MessageId: 'm-1' });
    expect(requests).toBe(2);
  });

  it('where every other client retries the same 5xx, three attempts in all', async () => {
    script = [failed(500, 'InternalFailure'), failed(500, 'InternalFailure'), failed(500, 'InternalFailure')];
    await expect(ses(clientOptions()).send(email)).rejects.toMatchObject({ $metadata: { httpStatusCode: 500, attempts: 3 } });
    expect(requests).toBe(3);
  });
});
