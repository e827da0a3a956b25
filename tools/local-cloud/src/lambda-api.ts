import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { LIVE_ALIAS } from '@shop/platform';
import { listen, readBody } from './http-server';
import { ALLOW_ALL, type Authorizer } from './iam/local-iam';
import { type ErrorPayload, functionArn, type LambdaRuntime, parseFunctionReference } from './lambda-runtime';
import type { InvocationOrigin } from './trace';
import { parseTraceHeader, runInTrace } from './trace-context';

/** Lambda's limit for a request or response payload (synchronous invoke). */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface LambdaApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface AsyncInvocation {
  functionName: string;
  requestId: string;
  event: unknown;
  /** What carried the event (an `Event` invoke, a rule, a topic, a schedule), for the trace. */
  origin?: InvocationOrigin;
}

export interface AsyncFailure extends AsyncInvocation {
  error: ErrorPayload;
}

/**
 * Runs an `Event` invocation after the caller got its 202. The default makes one attempt;
 * Lambda's retries and on-failure destination plug in here.
 */
export type AsyncInvoker = (invocation: AsyncInvocation) => void;

export interface LambdaApiOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Called when an `Event` invocation fails (used by the default async invoker). */
  onAsyncFailure?: (failure: AsyncFailure) => void;
  asyncInvoker?: AsyncInvoker;
  /** Judges each invoke against the caller's policy (the local cloud's IAM); everything passes without one. */
  authorizer?: Authorizer;
}

/** Every function answers to its `live` alias (LIVE_ALIAS) as on AWS, where callers invoke only that, and to `$LATEST`. */
const QUALIFIERS = new Set(['$LATEST', LIVE_ALIAS]);

export function singleAttemptInvoker(runtime: LambdaRuntime, onFailure?: (failure: AsyncFailure) => void): AsyncInvoker {
  return (invocation) => {
    runtime.invoke(invocation.functionName, invocation.event, { requestId: invocation.requestId, ...(invocation.origin && { origin: invocation.origin }) }).then(
      (result) => {
        if (!result.ok) onFailure?.({ ...invocation, error: result.error });
      },
      (error: Error) => onFailure?.({ ...invocation, error: { errorType: error.name, errorMessage: error.message } }),
    );
  };
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`), enough for
 * the AWS SDK v3 `LambdaClient` pointed at it to work unmodified.
 */
export async function startLambdaApi(runtime: LambdaRuntime, options: LambdaApiOptions): Promise<LambdaApi> {
  const invokeAsync = options.asyncInvoker ?? singleAttemptInvoker(runtime, options.onAsyncFailure);
  const authorizer = options.authorizer ?? ALLOW_ALL;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const fail = (status: number, errorType: string, message: string) =>
      sendJson(response, status, { Type: status >= 500 ? 'Service' : 'User', message }, {
        'x-amzn-errortype': errorType,
        'x-amzn-requestid': requestId,
      });

    const route = INVOKE_PATH.exec(request.url?.split('?')[0] ?? '');
    if (request.method !== 'POST' || !route) return fail(404, 'UnknownOperationException', 'Unknown operation');
    const reference = parseFunctionReference(decodeURIComponent(route[1] ?? ''));
    const qualifier = reference?.qualifier ?? new URL(request.url ?? '', 'http://local').searchParams.get('Qualifier');
    const name = reference?.name ?? decodeURIComponent(route[1] ?? '');
    const resource = `${functionArn(name)}${qualifier ? `:${qualifier}` : ''}`;
    const denied = authorizer.deny(request.headers, [{ action: 'lambda:InvokeFunction', resource }]);
    if (denied) return fail(403, 'AccessDeniedException', denied);
    if (!reference || !runtime.has(name) || (qualifier && !QUALIFIERS.has(qualifier))) {
      return fail(404, 'ResourceNotFoundException', `Function not found: ${resource}`);
    }

    const read = await readBody(request, MAX_PAYLOAD_BYTES);
    if (read.tooLarge) {
      return fail(413, 'RequestTooLargeException', `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
    }
    let event: unknown = {};
    if (read.body.byteLength > 0) {
      try {
        event = JSON.parse(read.body.toString('utf8'));
      } catch (error) {
        return fail(400, 'InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`);
      }
    }

    const invocationType = request.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    // The invoked function continues the caller's trace (the SDK sends it as X-Amzn-Trace-Id).
    const trace = parseTraceHeader(request.headers['x-amzn-trace-id']) ?? null;
    if (invocationType === 'DryRun') return send(response, 204, undefined, { 'x-amzn-requestid': requestId });
    if (invocationType === 'Event') {
      runInTrace(trace, () => invokeAsync({ functionName: name, requestId, event, origin: { pattern: 'async-invoke', via: 'InvocationType: Event' } }));
      return send(response, 202, undefined, { 'x-amzn-requestid': requestId });
    }
    if (invocationType !== 'RequestResponse') {
      return fail(400, 'InvalidParameterValueException', `Unsupported invocation type: ${String(invocationType)}`);
    }

    const result = await runtime.invoke(name, event, { requestId, origin: { pattern: 'sync-invoke', via: 'InvocationType: RequestResponse' }, trace });
    let body = JSON.stringify(result.ok ? result.payload : result.error);
    let functionError = !result.ok;
    if (Buffer.byteLength(body) > MAX_PAYLOAD_BYTES) {
      functionError = true;
      body = JSON.stringify({
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`,
      });
    }
    send(response, 200, body, {
      'content-type': 'application/json',
      'x-amz-executed-version': '$LATEST',
      'x-amzn-requestid': requestId,
      ...(functionError ? { 'x-amz-function-error': 'Unhandled' } : {}),
    });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (response.headersSent) return void response.destroy(error);
      sendJson(response, 500, { Type: 'Service', message: error.message }, { 'x-amzn-errortype': 'ServiceException' });
    });
  });
  return listen(server, options);
}

function send(response: ServerResponse, status: number, body: string | undefined, headers: Record<string, string>): void {
  response.writeHead(status, headers);
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  send(response, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}
