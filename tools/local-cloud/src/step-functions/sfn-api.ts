import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, type ListeningServer, readBody } from '../http-server';
import { type ExecutionDescription, type ExecutionStatus, type StepFunctions, StepFunctionsError } from './step-functions';

/**
 * The Step Functions API over HTTP, as the SDK's `SFNClient` speaks it: AWS JSON 1.0, one
 * `POST /` per call with the operation in `x-amz-target: AWSStepFunctions.<Operation>`,
 * timestamps as epoch seconds, errors as `{__type, message}` with status 400.
 */

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';
const MAX_REQUEST_BYTES = 1024 * 1024;
/** Where Step Functions' error codes live; the SDK reads the code after the `#`. */
const ERROR_NAMESPACE = 'com.amazonaws.swf.service.v2.model';

type Request = Record<string, unknown>;
type Operation = (service: StepFunctions, request: Request) => unknown;

const operations: Record<string, Operation> = {
  StartExecution: (service, request) => {
    const started = service.startExecution({
      stateMachineArn: required(request, 'stateMachineArn'),
      ...optional(request, 'name'),
      ...optional(request, 'input'),
    });
    return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
  },
  DescribeExecution: (service, request) => describe(service.describeExecution(required(request, 'executionArn'))),
  ListExecutions: (service, request) => {
    const all = service.listExecutions(required(request, 'stateMachineArn'), optional(request, 'statusFilter').statusFilter as ExecutionStatus);
    const maxResults = typeof request['maxResults'] === 'number' && request['maxResults'] > 0 ? request['maxResults'] : 100;
    const from = decodeNextToken(request['nextToken']);
    const page = all.slice(from, from + maxResults);
    return {
      executions: page.map(({ executionArn, stateMachineArn, name, status, startDate, stopDate }) => ({
        executionArn,
        stateMachineArn,
        name,
        status,
        startDate: epochSeconds(startDate),
        ...(stopDate && { stopDate: epochSeconds(stopDate) }),
      })),
      ...(from + maxResults < all.length && { nextToken: Buffer.from(String(from + maxResults)).toString('base64') }),
    };
  },
  StopExecution: (service, request) => {
    const { error, cause } = { ...optional(request, 'error'), ...optional(request, 'cause') };
    return { stopDate: epochSeconds(service.stopExecution(required(request, 'executionArn'), error, cause)) };
  },
  SendTaskSuccess: (service, request) => {
    service.sendTaskSuccess(required(request, 'taskToken'), required(request, 'output'));
    return {};
  },
  SendTaskFailure: (service, request) => {
    const { error, cause } = { ...optional(request, 'error'), ...optional(request, 'cause') };
    service.sendTaskFailure(required(request, 'taskToken'), error, cause);
    return {};
  },
  SendTaskHeartbeat: (service, request) => {
    service.sendTaskHeartbeat(required(request, 'taskToken'));
    return {};
  },
};

export async function startStepFunctionsApi(service: StepFunctions, options: { host?: string; port?: number }): Promise<ListeningServer> {
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
    if (request.method !== 'POST' || !operation) {
      return sendError(response, new StepFunctionsError('UnknownOperationException', `Unknown operation ${target || request.method}`));
    }
    const read = await readBody(request, MAX_REQUEST_BYTES);
    if (read.tooLarge) return sendError(response, new StepFunctionsError('ValidationException', 'Request is too large'));
    let body: Request;
    try {
      body = read.body.byteLength ? (JSON.parse(read.body.toString('utf8')) as Request) : {};
    } catch {
      return sendError(response, new StepFunctionsError('SerializationException', 'Request body is not JSON'));
    }
    try {
      send(response, 200, operation(service, body));
    } catch (error) {
      if (error instanceof StepFunctionsError) return sendError(response, error);
      throw error;
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (response.headersSent) return void response.destroy(error);
      send(response, 500, { __type: `${ERROR_NAMESPACE}#InternalFailure`, message: error.message }, 'InternalFailure');
    });
  });
  return listen(server, options);
}

function describe(d: ExecutionDescription): Record<string, unknown> {
  return {
    executionArn: d.executionArn,
    stateMachineArn: d.stateMachineArn,
    name: d.name,
    status: d.status,
    startDate: epochSeconds(d.startDate),
    ...(d.stopDate && { stopDate: epochSeconds(d.stopDate) }),
    input: d.input,
    inputDetails: { included: true },
    ...(d.output !== undefined && { output: d.output, outputDetails: { included: true } }),
    ...(d.error !== undefined && { error: d.error }),
    ...(d.cause !== undefined && { cause: d.cause }),
    redriveCount: 0,
    redriveStatus: 'NOT_REDRIVABLE',
  };
}

function required(request: Request, field: string): string {
  const value = request[field];
  if (typeof value !== 'string' || value === '') {
    throw new StepFunctionsError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function optional<K extends string>(request: Request, field: K): Partial<Record<K, string>> {
  const value = request[field];
  return typeof value === 'string' ? ({ [field]: value } as Record<K, string>) : {};
}

function decodeNextToken(token: unknown): number {
  if (typeof token !== 'string') return 0;
  const from = Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(from) || from < 0) throw new StepFunctionsError('InvalidToken', `Invalid Token: '${token}'`);
  return from;
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function sendError(response: ServerResponse, error: StepFunctionsError): void {
  send(response, 400, { __type: `${ERROR_NAMESPACE}#${error.code}`, message: error.message }, error.code);
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'x-amzn-requestid': randomUUID(),
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  response.end(JSON.stringify(body));
}
