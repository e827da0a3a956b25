import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { placeholderRef } from '@shop/platform';
import { functionArn } from '../lambda-runtime';

/**
 * Turns a service's ASL definition into what aws-local-stepfunctions runs, and says how each
 * Task state runs locally. Infra does the same substitution for AWS: Task states name their
 * function as `${service/function}`, here replaced by the function's ARN. The rest of the
 * rewriting bridges what the library lacks, so that the definition behaves as on AWS:
 *
 * - `$$.Task.Token`: the library has no task tokens. In a `.waitForTaskToken` state the
 *   parameter that takes it gets a placeholder, which the state's local handler replaces
 *   with the token it mints.
 * - Task timeouts: the library evaluates `TimeoutSecondsPath` against the state's parameters
 *   (AWS: against its input), and without a timeout gives up after 60 s (AWS: 99999999 s).
 *   The path is evaluated into the parameters under a reserved key and the library pointed
 *   at it; a Task without a timeout gets the longest one a Node timer can hold.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The optimized Lambda integration; its parameters are `{FunctionName, Payload, InvocationType?}`. */
export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** Stands for `$$.Task.Token` in prepared parameters until the handler mints the token. */
export const TASK_TOKEN_PLACEHOLDER = '${local-cloud:task-token}';

/** Reserved parameter that carries the value of a state's `TimeoutSecondsPath` to the library and the handler. */
export const TIMEOUT_PARAMETER = 'LocalCloudTimeoutSeconds';

/** About 24.8 days: the longest delay a Node timer holds (a longer one fires after 1 ms). */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** How a Task state runs locally; every kind invokes a function of the local Lambda runtime. */
export type TaskPlan = LambdaTask | LambdaInvokeTask;

/** `Resource` is a function ARN: the function gets the state's input; its result is the state's result. */
export interface LambdaTask {
  kind: 'lambda';
  functionName: string;
  /** The `service/function` the definition named, when it named one. */
  functionRef?: string;
}

/** `arn:aws:states:::lambda:invoke[.waitForTaskToken]`: the function is `Parameters.FunctionName`. */
export interface LambdaInvokeTask {
  kind: 'lambda-invoke';
  waitForTaskToken: boolean;
  functionRef?: string;
  /** The state's `TimeoutSeconds`; absent when it has none or a `TimeoutSecondsPath`. */
  timeoutSeconds?: number;
}

export interface PreparedDefinition {
  /** The definition for aws-local-stepfunctions. */
  definition: StateMachineDefinition;
  /** How each Task state runs, by state name (nested Parallel and Map states included). */
  tasks: ReadonlyMap<string, TaskPlan>;
}

export class DefinitionError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'DefinitionError';
  }
}

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)$/;

/**
 * @param source names the definition in error messages (its file).
 * @param resolveFunction the physical name of a `service/function`, or undefined when there is none.
 */
export function prepareDefinition(
  raw: unknown,
  source: string,
  resolveFunction: (ref: string) => string | undefined,
  region?: string,
): PreparedDefinition {
  if (!isObject(raw) || !isObject(raw['States']) || typeof raw['StartAt'] !== 'string') {
    throw new DefinitionError(source, ['not an Amazon States Language definition (no StartAt and States)']);
  }
  const definition = structuredClone(raw);
  const tasks = new Map<string, TaskPlan>();
  const problems: string[] = [];

  clampTimeout(definition);
  forEachState(definition, (name, state) => {
    if (state['Type'] !== 'Task') return;
    const plan = prepareTask(name, state, resolveFunction, region, problems);
    if (!plan) return;
    const seen = tasks.get(name);
    // Local handlers are keyed by state name; two different Tasks of one name cannot both have one.
    if (seen && JSON.stringify(seen) !== JSON.stringify(plan)) {
      problems.push(`two different Task states are named "${name}"; local Task handlers need unique names`);
    }
    tasks.set(name, plan);
    if (JSON.stringify(state).includes('$$.Task.Token')) {
      problems.push(`${name}: $$.Task.Token is supported as a whole parameter value of a .waitForTaskToken state only`);
    }
  });

  if (problems.length > 0) throw new DefinitionError(source, problems);
  return { definition: definition as unknown as StateMachineDefinition, tasks };
}

function prepareTask(
  name: string,
  state: JsonObject,
  resolveFunction: (ref: string) => string | undefined,
  region: string | undefined,
  problems: string[],
): TaskPlan | undefined {
  const resource = state['Resource'];
  const resolve = (value: string): { ref?: string; arn?: string } => {
    const ref = placeholderRef(value);
    if (!ref) return {};
    const physical = resolveFunction(ref);
    if (!physical) {
      problems.push(`${name}: names the function ${ref}, which no service declares`);
      return { ref };
    }
    return { ref, arn: functionArn(physical, region) };
  };

  if (typeof resource !== 'string') {
    problems.push(`${name}: a Task state needs a Resource`);
    return undefined;
  }

  if (resource === LAMBDA_INVOKE || resource === LAMBDA_INVOKE_WAIT) {
    const parameters = state['Parameters'];
    if (!isObject(parameters) || !('FunctionName' in parameters || 'FunctionName.$' in parameters)) {
      problems.push(`${name}: ${resource} needs Parameters with a FunctionName`);
      return undefined;
    }
    const functionName = parameters['FunctionName'];
    const { ref, arn } = typeof functionName === 'string' ? resolve(functionName) : {};
    if (arn) parameters['FunctionName'] = arn;

    const waitForTaskToken = resource === LAMBDA_INVOKE_WAIT;
    if (waitForTaskToken) replaceTaskTokenPaths(parameters);
    const timeoutPath = state['TimeoutSecondsPath'];
    if (typeof timeoutPath === 'string') {
      parameters[`${TIMEOUT_PARAMETER}.$`] = timeoutPath;
      state['TimeoutSecondsPath'] = `$.${TIMEOUT_PARAMETER}`;
    }
    const timeoutSeconds = clampTimeout(state);
    return {
      kind: 'lambda-invoke',
      waitForTaskToken,
      ...(ref && { functionRef: ref }),
      ...(timeoutSeconds !== undefined && { timeoutSeconds }),
    };
  }

  if (resource.endsWith('.waitForTaskToken') || resource.startsWith('arn:aws:states:::')) {
    problems.push(`${name}: ${resource} is not supported locally; Task states run Lambda functions only`);
    return undefined;
  }

  const { ref, arn } = resolve(resource);
  if (ref && !arn) return undefined;
  if (arn) state['Resource'] = arn;
  const functionName = FUNCTION_ARN.exec(arn ?? resource)?.[1];
  if (!functionName) {
    problems.push(`${name}: Resource ${resource} is neither \${service/function} nor a Lambda function ARN`);
    return undefined;
  }
  clampTimeout(state);
  return { kind: 'lambda', functionName, ...(ref && { functionRef: ref }) };
}

/** `"taskToken.$": "$$.Task.Token"` → `"taskToken": TASK_TOKEN_PLACEHOLDER`, at any depth. */
function replaceTaskTokenPaths(value: JsonValue): void {
  if (Array.isArray(value)) return value.forEach(replaceTaskTokenPaths);
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (key.endsWith('.$') && child === '$$.Task.Token') {
      delete value[key];
      value[key.slice(0, -2)] = TASK_TOKEN_PLACEHOLDER;
    } else replaceTaskTokenPaths(child);
  }
}

/**
 * Gives a Task (or the whole machine) a timeout a Node timer can hold, and answers the
 * declared `TimeoutSeconds`, if any. A Task without one gets the longest, standing in for
 * AWS's default of 99999999 s; the machine without one keeps having none.
 */
function clampTimeout(node: JsonObject): number | undefined {
  const declared = node['TimeoutSeconds'];
  if (typeof declared === 'number') {
    node['TimeoutSeconds'] = Math.min(declared, MAX_TIMEOUT_SECONDS);
    return declared;
  }
  if (node['Type'] === 'Task' && node['TimeoutSecondsPath'] === undefined) node['TimeoutSeconds'] = MAX_TIMEOUT_SECONDS;
  return undefined;
}

/** Visits every state, also those inside Parallel branches and Map item processors. */
export function forEachState(machine: JsonObject, visit: (name: string, state: JsonObject) => void): void {
  const states = machine['States'];
  if (!isObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    visit(name, state);
    const branches = state['Branches'];
    if (Array.isArray(branches)) for (const branch of branches) if (isObject(branch)) forEachState(branch, visit);
    const processor = state['ItemProcessor'] ?? state['Iterator'];
    if (isObject(processor)) forEachState(processor, visit);
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
