import {
  type FunctionDef,
  type HttpTrigger,
  PLATFORM_ENV,
  physicalName,
  type ServiceManifest,
  tableEnvVar,
} from '@shop/common';
import type { RouteBinding } from './api-gateway';
import type { FunctionConfig } from './lambda-runtime';
import type { FunctionBundle } from './services';

/**
 * Turns manifests into what the local runtime and gateway need, the way infra turns them
 * into Lambda functions and routes: same physical names, same environment variables, and
 * each function told only about the tables its permissions name (least privilege).
 */

/** Where the emulators listen; the SDK v3 reads `AWS_ENDPOINT_URL_<SERVICE>` by itself. */
export interface LocalEndpoints {
  dynamodb: string;
  cognito: string;
  lambda: string;
}

export interface UserPoolRef {
  id: string;
  clientId: string;
}

export interface WiringContext {
  stage: string;
  region: string;
  endpoints: LocalEndpoints;
  userPool: UserPoolRef;
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
    // Lambda runs nodejs22.x, where the SDK has nothing to warn about; on a Node 20 laptop
    // it would print a deprecation notice at every cold start.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const table of Object.keys(fn.permissions.tables ?? {})) {
    env[tableEnvVar(table)] = physicalName(context.stage, service.name, table);
  }
  if (fn.uses?.includes('userPool')) {
    const [idVar, clientVar] = PLATFORM_ENV.userPool;
    env[idVar] = context.userPool.id;
    env[clientVar] = context.userPool.clientId;
  }
  return env;
}

/** One runtime registration per function bundle. */
export function functionConfigs(context: WiringContext, bundles: readonly FunctionBundle[]): FunctionConfig[] {
  return bundles.map(({ service, functionName, bundlePath }) => {
    const fn = service.functions[functionName];
    if (!fn) throw new Error(`${service.name} has no function ${functionName}`);
    return {
      name: physicalName(context.stage, service.name, functionName),
      service: service.name,
      functionName,
      bundlePath,
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
