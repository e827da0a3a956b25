import { createServer } from 'node:http';
import { createRequestHandler } from 'local-aws-sqs';
import { listen, type ListeningServer } from '../http-server';
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
}

export async function startSqsServer(options: SqsServerOptions = {}): Promise<ListeningServer> {
  const host = options.host ?? '127.0.0.1';
  const { service, requestHandler } = createRequestHandler({
    port: options.port ?? 0,
    hostname: host,
    region: options.region ?? DEFAULT_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    // A queue deleted and created again (tests) need not wait the 60 s AWS makes it wait.
    emulateQueueCreationLifecycle: false,
  });
  const server = await listen(
    createServer((request, response) => {
      requestHandler(request, response).catch((error: Error) => {
        if (response.headersSent) return void response.destroy(error);
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ __type: 'InternalFailure', message: error.message }));
      });
    }),
    { host, port: options.port ?? 0 },
  );
  // Queue URLs carry the port; with port 0 it is known only now.
  service.PORT = server.port;
  return server;
}
