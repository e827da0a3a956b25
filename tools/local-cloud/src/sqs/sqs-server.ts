import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createRequestHandler } from 'local-aws-sqs';
import type { FaultInjector } from '../faults';
import { listen, type ListeningServer } from '../http-server';
import type { Authorizer } from '../iam/local-iam';
import { DEFAULT_REGION, LOCAL_ACCOUNT_ID } from '../lambda-runtime';

/**
 * SQS on localhost: local-aws-sqs, in this process, behind our own HTTP server. Its own
 * `createSqsServer` never settles when the port is taken; `listen` fails clearly instead,
 * and its `close` also drops the keep-alive and long-poll connections of SDK clients.
 */

export interface SqsServerOptions {
  host?: string;
  /** 0 or absent picks a free port. */
  port?: number;
  region?: string;
  /** `queue-send-fail` and `queue-send-hang` faults, by the `service/queue` that `queueRef` names a queue. */
  faults?: { injector: FaultInjector; queueRef: (queueName: string) => string | undefined };
  /** Told of every SendMessage and SendMessageBatch request (what SQS bills a sender for). */
  onSend?: () => void;
  /** The local cloud's IAM: a function's calls are judged on the queue they name (`sqs:SendMessage` on its ARN). */
  authorizer?: Authorizer;
}

const SEND_ACTIONS = new Set(['AmazonSQS.SendMessage', 'AmazonSQS.SendMessageBatch']);

export async function startSqsServer(options: SqsServerOptions = {}): Promise<ListeningServer> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? DEFAULT_REGION;
  const { service, requestHandler } = createRequestHandler({
    port: options.port ?? 0,
    hostname: host,
    region,
    accountId: LOCAL_ACCOUNT_ID,
    // A queue deleted and created again (tests) need not wait the 60 s AWS makes it wait.
    emulateQueueCreationLifecycle: false,
  });
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    requestHandler(request, response).catch((error: Error) => {
      if (response.headersSent) return void response.destroy(error);
      internalFailure(response, error.message);
    });
  };
  const faults = options.faults;
  const server = await listen(
    createServer((request, response) => {
      const target = String(request.headers['x-amz-target']);
      const sending = SEND_ACTIONS.has(target);
      const judged = options.authorizer?.judges(request.headers) ?? false;
      if (!sending && !judged) return handle(request, response);
      // A send may meet an injected fault and carries the sender's trace, and a function's call is
      // judged on its queue: read the request to know its queue, then hand it on.
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const read = Buffer.concat(chunks);
        const queueName = queueNameOf(read);
        const denied = options.authorizer?.deny(request.headers, [{ action: iamAction(target), resource: queueArn(queueName ?? '*', region) }]);
        if (denied) return accessDenied(response, denied);
        if (!sending) return handle(replay(request, read), response);
        options.onSend?.();
        const body = withTraceHeader(read, request.headers['x-amzn-trace-id']);
        const ref = queueName === undefined || !faults ? undefined : faults.queueRef(queueName);
        if (ref && faults?.injector.take('queue-send-fail', ref)) return internalFailure(response, `fault injected: SendMessage to ${ref} failed`);
        const hang = ref ? faults?.injector.take('queue-send-hang', ref) : undefined;
        if (hang) return void setTimeout(() => response.destroy(), hang.delayMs ?? 0).unref();
        handle(replay(request, body), response);
      });
    }),
    { host, port: options.port ?? 0 },
  );
  // Queue URLs carry the port; with port 0 it is known only now.
  service.PORT = server.port;
  return server;
}

/** `AmazonSQS.SendMessageBatch` → `sqs:SendMessage`: IAM authorizes a batch as its single form. */
function iamAction(target: string): string {
  return `sqs:${target.replace(/^AmazonSQS\./, '').replace(/Batch$/, '')}`;
}

function queueArn(queueName: string, region: string): string {
  return queueName === '*' ? '*' : `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${queueName}`;
}

/** SQS's answer to a call IAM refuses, in the JSON protocol (the code also in `x-amzn-query-error`, where the SDK looks first). */
function accessDenied(response: ServerResponse, message: string): void {
  response.writeHead(403, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'AccessDenied;Sender' });
  response.end(JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message }));
}

function internalFailure(response: ServerResponse, message: string): void {
  response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify({ __type: 'InternalFailure', message }));
}

/** The queue a JSON-protocol send names, by the last part of its QueueUrl. */
function queueNameOf(body: Buffer): string | undefined {
  try {
    const url = (JSON.parse(body.toString('utf8')) as { QueueUrl?: unknown }).QueueUrl;
    return typeof url === 'string' ? url.split('/').pop() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SQS keeps the sender's `X-Amzn-Trace-Id` as the message's `AWSTraceHeader` system attribute
 * (a sender may also set it itself), and Lambda continues that trace when it delivers the message.
 */
function withTraceHeader(body: Buffer, header: string | string[] | undefined): Buffer {
  const trace = Array.isArray(header) ? header[0] : header;
  if (!trace) return body;
  type Entry = { MessageSystemAttributes?: Record<string, unknown> };
  const stamp = (entry: Entry) => {
    if (!entry.MessageSystemAttributes?.['AWSTraceHeader']) {
      entry.MessageSystemAttributes = { ...entry.MessageSystemAttributes, AWSTraceHeader: { DataType: 'String', StringValue: trace } };
    }
  };
  try {
    const request = JSON.parse(body.toString('utf8')) as Entry & { Entries?: unknown };
    if (Array.isArray(request.Entries)) {
      for (const entry of request.Entries as Entry[]) if (entry && typeof entry === 'object') stamp(entry);
    } else stamp(request);
    return Buffer.from(JSON.stringify(request));
  } catch {
    return body; // not JSON: the emulator answers it as SQS would
  }
}

/** A request read already, as a stream again, with its method, URL and headers. */
function replay(request: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from([body]) as unknown as IncomingMessage;
  Object.assign(copy, { headers: request.headers, method: request.method, url: request.url, socket: request.socket });
  return copy;
}
