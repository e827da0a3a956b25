import { EVENT_BUS_ENV, functionEnvVar, PLATFORM_ENV, parseRef, queueUrlEnvVar, stateMachineEnvVar, tableEnvVar } from './conventions';
import type { FunctionDef, PlatformResource, ServiceManifest } from './manifest';

/**
 * The environment variables a function's manifest entry implies, derived in one place so
 * that the deployed function (infra) and the local one (tools/local-cloud) get the same
 * names: a handler reads its tables, the functions it invokes, its queues, state machines,
 * the event bus and the platform's settings from these and from nothing else.
 *
 * Pure: what a name or value is (a physical name, a Terraform reference, a local URL) is the
 * caller's business, asked through `EnvironmentSources`. AWS's own variables (region,
 * credentials, endpoints) are not the manifest's and are left to the caller.
 */

/** A platform variable, as `PLATFORM_ENV` names them (`USER_POOL_ID`, `PAYMENT_WINDOW_SECONDS`, ...). */
export type PlatformVariable = (typeof PLATFORM_ENV)[PlatformResource][number];

/** Where the values come from: each reader of the manifests resolves them its own way. */
export interface EnvironmentSources {
  stage: string;
  logLevel: string;
  /** Physical name of `service`'s table `table`. */
  tableName(service: string, table: string): string;
  /** Physical name of a function another one invokes (synchronously or not). */
  functionName(service: string, fn: string): string;
  queueUrl(service: string, queue: string): string;
  stateMachineArn(service: string, machine: string): string;
  /** Name of the shop's event bus, for functions that publish. */
  eventBusName(): string;
  /** Value of a platform variable, for functions that `use` the platform resource. */
  platform(variable: PlatformVariable): string;
}

/** Two entries of one manifest want the same variable with different values (e.g. two foreign tables both named `orders`). */
export class EnvironmentConflictError extends Error {
  constructor(
    readonly owner: string,
    readonly variable: string,
  ) {
    super(`${owner}: two of its permissions set the environment variable ${variable} to different values`);
    this.name = 'EnvironmentConflictError';
  }
}

/** The variables of `manifest`'s function `functionName`, in a stable order. */
export function functionEnvironmentVariables(
  manifest: ServiceManifest,
  functionName: string,
  sources: EnvironmentSources,
): Record<string, string> {
  const fn: FunctionDef | undefined = manifest.functions[functionName];
  if (!fn) throw new Error(`${manifest.name} has no function ${functionName}`);
  const owner = `${manifest.name}/${functionName}`;
  const env: Record<string, string> = {};
  const set = (variable: string, value: string): void => {
    if (variable in env && env[variable] !== value) throw new EnvironmentConflictError(owner, variable);
    env[variable] = value;
  };

  set('SERVICE_NAME', manifest.name);
  set('STAGE', sources.stage);
  set('LOG_LEVEL', sources.logLevel);

  const { permissions } = fn;
  for (const table of Object.keys(permissions.tables ?? {})) set(tableEnvVar(table), sources.tableName(manifest.name, table));
  // A foreign table goes by its owner's physical name, under the same variable its owner reads.
  for (const ref of Object.keys(permissions.foreignTables ?? {})) {
    const { service, name } = parseRef(ref);
    set(tableEnvVar(name), sources.tableName(service, name));
  }
  for (const ref of [...(permissions.invokes ?? []), ...(permissions.invokesAsync ?? [])]) {
    const { service, name } = parseRef(ref);
    set(functionEnvVar(ref), sources.functionName(service, name));
  }
  for (const ref of permissions.sendsTo ?? []) {
    const { service, name } = parseRef(ref);
    set(queueUrlEnvVar(ref), sources.queueUrl(service, name));
  }
  for (const ref of Object.keys(permissions.stateMachines ?? {})) {
    const { service, name } = parseRef(ref);
    set(stateMachineEnvVar(ref), sources.stateMachineArn(service, name));
  }
  if (permissions.publishes) set(EVENT_BUS_ENV, sources.eventBusName());
  // A stream consumer's on-failure queue, which its role may send to already: where it keeps whole a
  // record that can never succeed, rather than let it hold back (and, past the retries, lose) the rest.
  for (const trigger of fn.triggers) {
    if (trigger.type !== 'table-stream') continue;
    const { service, name } = parseRef(trigger.onFailure);
    set(queueUrlEnvVar(trigger.onFailure), sources.queueUrl(service, name));
  }

  for (const resource of fn.uses ?? []) {
    for (const variable of PLATFORM_ENV[resource]) set(variable, sources.platform(variable));
  }
  return env;
}
