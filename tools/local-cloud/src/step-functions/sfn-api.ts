import type { AccessRequest } from '@shop/platform';
import { startAwsJsonApi } from '../aws-json-api';
import type { FaultInjector } from '../faults';
import type { ListeningServer } from '../http-server';
import type { Authorizer } from '../iam/local-iam';
import { type ExecutionDescription, type ExecutionStatus, type StepFunctions, StepFunctionsError } from './step-functions';

/**
 * The Step Functions API over HTTP, as the SDK's `SFNClient` speaks it: AWS JSON 1.0, one
 * `POST /` per call with the operation in `x-amz-target: AWSStepFunctions.<Operation>`,
 * timestamps as epoch seconds, errors as `{__type, message}` with status 400.
 */

const MAX_REQUEST_BYTES = 1024 * 1024;
/** Where Step Functions' error codes live; the SDK reads the code after the `#`. */
const ERROR_NAMESPACE = 'com.amazonaws.swf.service.v2.model';

type Request = Record<string, unknown>;
type Operation = (service: StepFunctions, request: Request, faults?: FaultInjector) => unknown;

const operations: Record<string, Operation> = {
  StartExecution: (service, request, faults) => {
    // An outage of Step Functions: the call fails before anything starts (a 500, which the SDK retries).
    if (faults?.take('execution-start-fail')) throw new Error('fault injected: StartExecution failed (execution-start-fail)');
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

/**
 * What IAM judges a call on: the state machine it starts, the execution it reads, and nothing for
 * a task token (`*`), which has no resource type.
 */
function accessRequests(operation: string, request: Record<string, unknown>): AccessRequest[] {
  const arn = request['stateMachineArn'] ?? request['executionArn'];
  return [{ action: `states:${operation}`, resource: typeof arn === 'string' ? arn : '*' }];
}

export function startStepFunctionsApi(
  service: StepFunctions,
  options: { host?: string; port?: number; authorizer?: Authorizer; faults?: FaultInjector },
): Promise<ListeningServer> {
  const { authorizer, faults, ...listenOn } = options;
  return startAwsJsonApi({
    version: '1.0',
    targetPrefix: 'AWSStepFunctions',
    operations: Object.fromEntries(Object.entries(operations).map(([name, operation]) => [name, (request) => operation(service, request, faults)])),
    apiError: (error) => (error instanceof StepFunctionsError ? { code: error.code, message: error.message } : undefined),
    errorType: (code) => `${ERROR_NAMESPACE}#${code}`,
    maxRequestBytes: MAX_REQUEST_BYTES,
    ...(authorizer && { access: { authorizer, requests: accessRequests } }),
    ...listenOn,
  });
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
