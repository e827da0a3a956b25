import {
  type FunctionDef,
  functionEnvVar,
  type HttpTrigger,
  PLATFORM_ENV,
  parseRef,
  physicalName,
  type QueueTrigger,
  queueUrlEnvVar,
  type ServiceManifest,
  stateMachineEnvVar,
  tableEnvVar,
} from '@shop/common';
import type { RouteBinding } from './api-gateway';
import type { FunctionConfig } from './lambda-runtime';
import { type FunctionBundle, layerPath } from './services';

/**
 * Turns manifests into what the local runtime and gateway need, the way infra turns them
 * into Lambda functions and routes: same physical names, same environment variables, and
 * each function told only about the tables, functions, queues and state machines its
 * permissions name (least privilege).
 */

/** Where the emulators listen; the SDK v3 reads `AWS_ENDPOINT_URL_<SERVICE>` by itself. */
export interface LocalEndpoints {
  dynamodb: string;
  cognito: string;
  lambda: string;
  sqs: string;
  stepFunctions: string;
}

export interface UserPoolRef {
  id: string;
  clientId: string;
}

/** The payment provider as the services that use it see it. */
export interface PaymentProviderRef {
  url: string;
  apiKey: string;
  webhookSecret: string;
}

export interface WiringContext {
  stage: string;
  region: string;
  endpoints: LocalEndpoints;
  userPool: UserPoolRef;
  /** Queue URLs by `service/queue`. */
  queueUrls: ReadonlyMap<string, string>;
  /** State machine ARNs by `service/stateMachine`. */
  stateMachineArns: ReadonlyMap<string, string>;
  /** Needed when a function `uses` the payment provider. */
  paymentProvider?: PaymentProviderRef;
  /** PAYMENT_WINDOW_SECONDS, for functions that `use` checkout. */
  paymentWindowSeconds: number;
}

/** The environment of one function: what infra sets, plus the local endpoints and fake credentials. */
export function functionEnvironment(
  context: WiringContext,
  service: ServiceManifest,
  fn: FunctionDef,
): Record<string, string> {
  const env: Record<string, string> = {
    SERVICE_NAME: service.name,
    STAGE: context.stage,
    LOG_LEVEL: 'info',
    AWS_REGION: context.region,
    AWS_DEFAULT_REGION: context.region,
    // Nothing local checks credentials, but the SDK refuses to sign a request without some.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: context.endpoints.dynamodb,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: context.endpoints.cognito,
    AWS_ENDPOINT_URL_LAMBDA: context.endpoints.lambda,
    AWS_ENDPOINT_URL_SQS: context.endpoints.sqs,
    AWS_ENDPOINT_URL_SFN: context.endpoints.stepFunctions,
    // Lambda runs nodejs22.x, where the SDK has nothing to warn about; on a Node 20 laptop
    // it would print a deprecation notice at every cold start.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const { permissions } = fn;
  for (const table of Object.keys(permissions.tables ?? {})) {
    env[tableEnvVar(table)] = physicalName(context.stage, service.name, table);
  }
  // A foreign table goes by the owner's physical name, under the same variable its owner reads.
  for (const ref of Object.keys(permissions.foreignTables ?? {})) {
    const { service: owner, name } = parseRef(ref);
    env[tableEnvVar(name)] = physicalName(context.stage, owner, name);
  }
  for (const ref of permissions.invokes ?? []) {
    const { service: owner, name } = parseRef(ref);
    env[functionEnvVar(ref)] = physicalName(context.stage, owner, name);
  }
  for (const ref of permissions.sendsTo ?? []) env[queueUrlEnvVar(ref)] = lookup(context.queueUrls, ref, 'queue');
  for (const ref of Object.keys(permissions.stateMachines ?? {})) {
    env[stateMachineEnvVar(ref)] = lookup(context.stateMachineArns, ref, 'state machine');
  }

  if (fn.uses?.includes('userPool')) {
    const [idVar, clientVar] = PLATFORM_ENV.userPool;
    env[idVar] = context.userPool.id;
    env[clientVar] = context.userPool.clientId;
  }
  if (fn.uses?.includes('paymentProvider')) {
    const provider = context.paymentProvider;
    if (!provider) throw new Error(`${service.name} uses the payment provider, but none is running`);
    const [urlVar, keyVar, secretVar] = PLATFORM_ENV.paymentProvider;
    env[urlVar] = provider.url;
    env[keyVar] = provider.apiKey;
    env[secretVar] = provider.webhookSecret;
  }
  if (fn.uses?.includes('checkout')) {
    const [windowVar] = PLATFORM_ENV.checkout;
    env[windowVar] = String(context.paymentWindowSeconds);
  }
  return env;
}

function lookup(known: ReadonlyMap<string, string>, ref: string, kind: string): string {
  const value = known.get(ref);
  if (value === undefined) throw new Error(`no ${kind} ${ref}`);
  return value;
}

/** One runtime registration per function bundle, with the layers it requires mounted as Lambda mounts them. */
export function functionConfigs(context: WiringContext, bundles: readonly FunctionBundle[], repoRoot: string): FunctionConfig[] {
  return bundles.map(({ service, functionName, bundlePath, layers }) => {
    const fn = service.functions[functionName];
    if (!fn) throw new Error(`${service.name} has no function ${functionName}`);
    return {
      name: physicalName(context.stage, service.name, functionName),
      service: service.name,
      functionName,
      bundlePath,
      layerPaths: layers.map((layer) => layerPath(repoRoot, layer)),
      environment: functionEnvironment(context, service, fn),
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
    };
  });
}

/** Every HTTP route of every service, bound to the physical function behind it. */
export function routeBindings(stage: string, services: readonly ServiceManifest[]): RouteBinding[] {
  return services.flatMap((service) =>
    Object.entries(service.functions).flatMap(([functionName, fn]) =>
      fn.triggers
        .filter((t): t is HttpTrigger => t.type === 'http')
        .map((route) => ({
          method: route.method,
          path: route.path,
          auth: route.auth,
          functionName: physicalName(stage, service.name, functionName),
        })),
    ),
  );
}

/** An SQS event source mapping: a queue trigger bound to the physical function it invokes. */
export interface QueueMapping {
  /** `service/queue`. */
  queue: string;
  functionName: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
}

/** Every queue trigger of every service. */
export function queueMappings(stage: string, services: readonly ServiceManifest[]): QueueMapping[] {
  return services.flatMap((service) =>
    Object.entries(service.functions).flatMap(([functionName, fn]) =>
      fn.triggers
        .filter((t): t is QueueTrigger => t.type === 'queue')
        .map((trigger) => ({
          queue: trigger.queue,
          functionName: physicalName(stage, service.name, functionName),
          batchSize: trigger.batchSize,
          maxBatchingWindowSeconds: trigger.maxBatchingWindowSeconds ?? 0,
        })),
    ),
  );
}
