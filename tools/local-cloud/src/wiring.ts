import {
  eventBusName,
  type EventPattern,
  type EventRuleTrigger,
  functionEnvironmentVariables,
  type HttpTrigger,
  LIVE_ALIAS,
  parseRef,
  physicalName,
  type PlatformVariable,
  type QueueTrigger,
  type ScheduleTrigger,
  type ServiceManifest,
  type TableStreamTrigger,
} from '@shop/platform';
import type { RouteBinding } from './api-gateway';
import { functionAccessKeyId } from './iam/local-iam';
import type { FunctionConfig } from './lambda-runtime';
import type { LocalSchedule } from './scheduler/local-scheduler';
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
  eventBridge: string;
  sns: string;
  ses: string;
  ssm: string;
}

export interface UserPoolRef {
  id: string;
  clientId: string;
}

/**
 * The payment provider as the services that use it see it: its URL, and the SecureString
 * parameters (in the local Parameter Store) that hold its secrets. The values are here for the
 * simulator and the tests; functions get only the parameter names.
 */
export interface PaymentProviderRef {
  url: string;
  apiKey: string;
  webhookSecret: string;
  apiKeyParameter: string;
  webhookSecretParameter: string;
}

/** The parameters holding the provider's secrets, named as infra names them (`/shop/<stage>/payment-provider/...`). */
export function paymentSecretParameters(stage: string): { apiKeyParameter: string; webhookSecretParameter: string } {
  return {
    apiKeyParameter: `/shop/${stage}/payment-provider/api-key`,
    webhookSecretParameter: `/shop/${stage}/payment-provider/webhook-secret`,
  };
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
  /** EMAIL_FROM, for functions that `use` email. */
  emailFrom: string;
}

/**
 * The environment of one function: what infra sets (from the one derivation both use,
 * `functionEnvironmentVariables`), plus the local endpoints and fake credentials.
 */
export function functionEnvironment(
  context: WiringContext,
  service: ServiceManifest,
  functionName: string,
): Record<string, string> {
  const platform = (variable: PlatformVariable): string => {
    switch (variable) {
      case 'USER_POOL_ID':
        return context.userPool.id;
      case 'USER_POOL_CLIENT_ID':
        return context.userPool.clientId;
      case 'PAYMENT_WINDOW_SECONDS':
        return String(context.paymentWindowSeconds);
      case 'EMAIL_FROM':
        return context.emailFrom;
      case 'PAYMENT_PROVIDER_URL':
      case 'PAYMENT_PROVIDER_API_KEY_PARAMETER':
      case 'PAYMENT_WEBHOOK_SECRET_PARAMETER': {
        const provider = context.paymentProvider;
        if (!provider) throw new Error(`${service.name}/${functionName} uses the payment provider, but none is running`);
        return {
          PAYMENT_PROVIDER_URL: provider.url,
          PAYMENT_PROVIDER_API_KEY_PARAMETER: provider.apiKeyParameter,
          PAYMENT_WEBHOOK_SECRET_PARAMETER: provider.webhookSecretParameter,
        }[variable];
      }
    }
  };
  const manifestVariables = functionEnvironmentVariables(service, functionName, {
    stage: context.stage,
    logLevel: 'info',
    tableName: (owner, table) => physicalName(context.stage, owner, table),
    // Callers invoke the `live` alias, as infra's environment has them do (and their policies allow only it).
    functionName: (owner, fn) => `${physicalName(context.stage, owner, fn)}:${LIVE_ALIAS}`,
    queueUrl: (owner, queue) => lookup(context.queueUrls, `${owner}/${queue}`, 'queue'),
    stateMachineArn: (owner, machine) => lookup(context.stateMachineArns, `${owner}/${machine}`, 'state machine'),
    eventBusName: () => eventBusName(context.stage),
    platform,
  });
  return {
    ...manifestVariables,
    AWS_REGION: context.region,
    AWS_DEFAULT_REGION: context.region,
    // The function's own access key: the local cloud's IAM knows its calls by it (local-iam.ts).
    // Nothing checks the secret, but the SDK refuses to sign a request without one.
    AWS_ACCESS_KEY_ID: functionAccessKeyId(physicalName(context.stage, service.name, functionName)),
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: context.endpoints.dynamodb,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: context.endpoints.cognito,
    AWS_ENDPOINT_URL_LAMBDA: context.endpoints.lambda,
    AWS_ENDPOINT_URL_SQS: context.endpoints.sqs,
    AWS_ENDPOINT_URL_SFN: context.endpoints.stepFunctions,
    AWS_ENDPOINT_URL_EVENTBRIDGE: context.endpoints.eventBridge,
    AWS_ENDPOINT_URL_SNS: context.endpoints.sns,
    AWS_ENDPOINT_URL_SESV2: context.endpoints.ses,
    AWS_ENDPOINT_URL_SSM: context.endpoints.ssm,
  };
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
      environment: functionEnvironment(context, service, functionName),
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

/** Every function of every service with its manifest entry, by physical name. */
function functionsOf(stage: string, services: readonly ServiceManifest[]) {
  return services.flatMap((service) =>
    Object.entries(service.functions).map(([functionName, fn]) => ({ service, functionName, fn, physical: physicalName(stage, service.name, functionName) })),
  );
}

/** A function's asynchronous invoke settings: retries, and the dead-letter queue (`service/queue`) where failures go. */
export interface AsyncInvokeSetting {
  functionName: string;
  maximumRetryAttempts: number;
  onFailure: string;
}

export function asyncInvokeSettings(stage: string, services: readonly ServiceManifest[]): AsyncInvokeSetting[] {
  return functionsOf(stage, services).flatMap(({ fn, physical }) =>
    fn.asyncInvoke ? [{ functionName: physical, maximumRetryAttempts: fn.asyncInvoke.maximumRetryAttempts, onFailure: fn.asyncInvoke.onFailure }] : [],
  );
}

/** An EventBridge rule on the shop bus: its target is a function (by physical name) or a topic (by `service/topic`). */
export interface EventRuleBinding {
  name: string;
  pattern: EventPattern;
  target: { kind: 'function'; functionName: string } | { kind: 'topic'; topic: string };
}

/** The rules of every manifest: functions' event-rule triggers and topics' feeding rules, named as infra names them. */
export function eventRuleBindings(stage: string, services: readonly ServiceManifest[]): EventRuleBinding[] {
  const fromFunctions = functionsOf(stage, services).flatMap(({ service, fn, physical }) =>
    fn.triggers
      .filter((t): t is EventRuleTrigger => t.type === 'event-rule')
      .map((t) => ({ name: physicalName(stage, service.name, t.rule), pattern: t.pattern, target: { kind: 'function' as const, functionName: physical } })),
  );
  const fromTopics = services.flatMap((service) =>
    Object.entries(service.topics ?? {}).flatMap(([topic, def]) =>
      Object.entries(def.rules ?? {}).map(([rule, { pattern }]) => ({
        name: physicalName(stage, service.name, rule),
        pattern,
        target: { kind: 'topic' as const, topic: `${service.name}/${topic}` },
      })),
    ),
  );
  return [...fromFunctions, ...fromTopics];
}

/** Every topic (`service/topic`) with its physical name and the functions subscribed to it. */
export function topicBindings(stage: string, services: readonly ServiceManifest[]): { ref: string; name: string; subscribers: string[] }[] {
  const subscribers = (ref: string) =>
    functionsOf(stage, services)
      .filter(({ fn }) => fn.triggers.some((t) => t.type === 'topic' && t.topic === ref))
      .map(({ physical }) => physical);
  return services.flatMap((service) =>
    Object.keys(service.topics ?? {}).map((topic) => {
      const ref = `${service.name}/${topic}`;
      return { ref, name: physicalName(stage, service.name, topic), subscribers: subscribers(ref) };
    }),
  );
}

/** A DynamoDB stream mapping: a table-stream trigger bound to its function and the table's physical name. */
export interface StreamMapping extends Omit<TableStreamTrigger, 'type' | 'table'> {
  functionName: string;
  /** `service/table`. */
  table: string;
  tableName: string;
}

export function streamMappings(stage: string, services: readonly ServiceManifest[]): StreamMapping[] {
  return functionsOf(stage, services).flatMap(({ fn, physical }) =>
    fn.triggers
      .filter((t): t is TableStreamTrigger => t.type === 'table-stream')
      .map(({ type: _type, table, ...mapping }) => {
        const { service, name } = parseRef(table);
        return { ...mapping, functionName: physical, table, tableName: physicalName(stage, service, name) };
      }),
  );
}

/** Every schedule trigger, named as infra names it. */
export function scheduleBindings(stage: string, services: readonly ServiceManifest[]): LocalSchedule[] {
  return functionsOf(stage, services).flatMap(({ service, fn, physical }) =>
    fn.triggers
      .filter((t): t is ScheduleTrigger => t.type === 'schedule')
      .map((t) => ({ name: physicalName(stage, service.name, t.schedule), expression: t.expression, functionName: physical, input: t.input })),
  );
}
