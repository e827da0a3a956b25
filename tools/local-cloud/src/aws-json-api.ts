import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AccessRequest } from '@shop/platform';
import { listen, type ListeningServer, readBody } from './http-server';
import type { Authorizer } from './iam/local-iam';
import { parseTraceHeader, runInTrace } from './trace-context';

/**
 * An AWS JSON protocol endpoint (1.0 or 1.1), as the SDK's clients speak it: one `POST /` per
 * call with the operation in `x-amz-target: <Prefix>.<Operation>`, a JSON body, errors as
 * `{__type, message}` with status 400 and the code in `x-amzn-errortype`. The emulators hand in
 * their operations and say which of their errors are the API's own.
 */

/** An error an operation answers as AWS would (400 and its code), not a fault of the emulator. */
export interface ApiError {
  code: string;
  message: string;
}

export interface AwsJsonApiOptions {
  /** `1.0` or `1.1`: the content type the SDK expects. */
  version: '1.0' | '1.1';
  /** What `x-amz-target` starts with, without the dot: `AWSEvents`, `AWSStepFunctions`. */
  targetPrefix: string;
  /** Each operation gets the request's body and headers (who signed it, for one that judges its parts apart). */
  operations: Readonly<Record<string, (request: Record<string, unknown>, headers: IncomingHttpHeaders) => unknown>>;
  /** The API error an exception stands for, or undefined for a fault (500). */
  apiError: (error: unknown) => ApiError | undefined;
  /** How `__type` spells a code; some services put a namespace before it. */
  errorType?: (code: string) => string;
  /** A request body above this is refused with ValidationException. */
  maxRequestBytes: number;
  /**
   * The local cloud's IAM, and what each call asks of it (`states:StartExecution` on the machine's
   * ARN): a refused call is answered with AccessDeniedException, as AWS answers it.
   */
  access?: { authorizer: Authorizer; requests: (operation: string, request: Record<string, unknown>) => AccessRequest[] };
  host?: string;
  port?: number;
}

export function startAwsJsonApi(options: AwsJsonApiOptions): Promise<ListeningServer> {
  const contentType = `application/x-amz-json-${options.version}`;
  const errorType = options.errorType ?? ((code: string) => code);
  const send = (response: ServerResponse, status: number, body: unknown, code?: string): void => {
    response.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), ...(code && { 'x-amzn-errortype': code }) });
    response.end(JSON.stringify(body));
  };
  const fail = (response: ServerResponse, { code, message }: ApiError) => send(response, 400, { __type: errorType(code), message }, code);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    const name = target.startsWith(`${options.targetPrefix}.`) ? target.slice(options.targetPrefix.length + 1) : '';
    const operation = Object.hasOwn(options.operations, name) ? options.operations[name] : undefined;
    if (request.method !== 'POST' || !operation) {
      const asked = name || target || `${request.method} ${request.url}`;
      return fail(response, { code: 'UnknownOperationException', message: `The local emulator does not support ${asked}; it answers ${Object.keys(options.operations).join(', ')}` });
    }
    const read = await readBody(request, options.maxRequestBytes);
    if (read.tooLarge) return fail(response, { code: 'ValidationException', message: 'Request is too large' });
    let body: Record<string, unknown>;
    try {
      body = read.body.byteLength ? (JSON.parse(read.body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return fail(response, { code: 'SerializationException', message: 'Request body is not JSON' });
    }
    const denied = options.access?.authorizer.deny(request.headers, options.access.requests(name, body));
    if (denied) return fail(response, { code: 'AccessDeniedException', message: denied });
    try {
      // What the operation starts (an execution, a rule's targets) continues the caller's trace.
      send(response, 200, runInTrace(parseTraceHeader(request.headers['x-amzn-trace-id']), () => operation(body, request.headers)));
    } catch (error) {
      const apiError = options.apiError(error);
      if (apiError) return fail(response, apiError);
      throw error;
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (response.headersSent) return void response.destroy(error);
      send(response, 500, { __type: errorType('InternalFailure'), message: error.message }, 'InternalFailure');
    });
  });
  return listen(server, options);
}
