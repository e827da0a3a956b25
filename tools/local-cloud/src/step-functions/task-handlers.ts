import type { RunOptions } from 'aws-local-stepfunctions';
import { FunctionNotFoundError, type LambdaRuntime, parseFunctionReference } from '../lambda-runtime';
import {
  isObject,
  type JsonObject,
  type JsonValue,
  type LambdaInvokeTask,
  TASK_TOKEN_PLACEHOLDER,
  type TaskPlan,
  TIMEOUT_PARAMETER,
} from './prepare-definition';
import { TaskFailedError } from './task-failed-error';
import type { TaskTokens } from './task-tokens';

/**
 * The local handler of every Task state of one execution (aws-local-stepfunctions'
 * `taskResourceLocalHandlers`, keyed by state name): each invokes its function in the local
 * Lambda runtime, as Step Functions invokes Lambda, and fails the state with the function's
 * `errorType` so that Retry and Catch match it by name.
 */

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type LocalHandler = (input: JsonValue) => Promise<JsonValue>;

export interface TaskHandlerContext {
  runtime: LambdaRuntime;
  tokens: TaskTokens;
  /** The execution the handlers serve: its task tokens end with it. */
  executionArn: string;
  log: (line: string) => void;
}

export function taskHandlers(tasks: ReadonlyMap<string, TaskPlan>, context: TaskHandlerContext): LocalHandlers {
  const handlers: Record<string, LocalHandler> = {};
  for (const [stateName, plan] of tasks) {
    handlers[stateName] =
      plan.kind === 'lambda'
        ? async (input) => (await invoke(context.runtime, plan.functionName, input, stateName)).payload
        : (input) => lambdaInvoke(stateName, plan, input, context);
  }
  return handlers as unknown as LocalHandlers;
}

/** `arn:aws:states:::lambda:invoke[.waitForTaskToken]` with its parameters `{FunctionName, Payload, InvocationType?}`. */
async function lambdaInvoke(stateName: string, plan: LambdaInvokeTask, input: JsonValue, context: TaskHandlerContext): Promise<JsonValue> {
  const { [TIMEOUT_PARAMETER]: timeoutFromPath, ...parameters } = isObject(input) ? input : ({} as JsonObject);
  const reference = typeof parameters['FunctionName'] === 'string' ? parseFunctionReference(parameters['FunctionName']) : undefined;
  if (!reference) {
    throw new TaskFailedError('Lambda.InvalidParameterValueException', `${stateName}: FunctionName ${JSON.stringify(parameters['FunctionName'])} is not a function`);
  }
  const payload = parameters['Payload'] ?? {};
  const asEvent = parameters['InvocationType'] === 'Event';

  if (!plan.waitForTaskToken) {
    if (asEvent) {
      void invoke(context.runtime, reference.name, payload, stateName).catch((error: Error) =>
        context.log(`${stateName}: the Event invoke of ${reference.name} failed: ${error.name}`),
      );
      return invokeResult('', 202);
    }
    const { payload: result, requestId } = await invoke(context.runtime, reference.name, payload, stateName);
    return invokeResult(result, 200, requestId);
  }

  // `.waitForTaskToken`: the state's result is what SendTaskSuccess reports, not the function's.
  const timeoutSeconds = plan.timeoutSeconds ?? (typeof timeoutFromPath === 'number' ? timeoutFromPath : undefined);
  const { token, outcome } = context.tokens.mint(context.executionArn, timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000);
  const invocation = invoke(context.runtime, reference.name, withTaskToken(payload, token), stateName);
  invocation.catch((error: TaskFailedError) => {
    // A RequestResponse invoke that fails fails the state; an Event invoke's failure is only logged.
    if (asEvent) return context.log(`${stateName}: the Event invoke of ${reference.name} failed: ${error.name}`);
    try {
      context.tokens.fail(token, error.name, error.message);
    } catch {
      // The task is already over: a callback or the timeout came first.
    }
  });
  return outcome;
}

/** Invokes a function for a state; a function error becomes the state's error, named by its errorType. */
async function invoke(runtime: LambdaRuntime, functionName: string, payload: JsonValue, stateName: string): Promise<{ payload: JsonValue; requestId: string }> {
  let result;
  try {
    result = await runtime.invoke(functionName, payload, { origin: { pattern: 'step-functions', via: stateName } });
  } catch (error) {
    if (error instanceof FunctionNotFoundError) throw new TaskFailedError('Lambda.ResourceNotFoundException', error.message);
    throw new TaskFailedError('Lambda.ServiceException', (error as Error).message);
  }
  if (!result.ok) throw TaskFailedError.fromLambda(result.error);
  return { payload: result.payload as JsonValue, requestId: result.requestId };
}

/** The optimized integration's result: the function's answer is under `Payload`. */
function invokeResult(payload: JsonValue, statusCode: number, requestId?: string): JsonValue {
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      HttpHeaders: { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', ...(requestId && { 'x-amzn-RequestId': requestId }) },
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId ?? '' },
    StatusCode: statusCode,
  };
}

/** The payload with the placeholder that stands for `$$.Task.Token` replaced by the token. */
function withTaskToken(value: JsonValue, token: string): JsonValue {
  if (value === TASK_TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => withTaskToken(item, token));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTaskToken(v, token)]));
  return value;
}
