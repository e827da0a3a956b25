import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createTokenVerifier } from '@shop/auth';
import {
  eventBusName,
  findRepoRoot,
  loadServices,
  manifestProblems,
  ManifestReferenceError,
  parseRef,
  physicalName,
  type ServiceManifest,
} from '@shop/platform';
import type { AsyncInvocations } from './async-invoke/async-invocations';
import type { LocalEventBus } from './eventbridge/event-bus';
import { required, startMessaging, startScheduler, startStreamPollers } from './eventing';
import { FaultInjector } from './faults';
import { localConsole } from './local-console';
import type { Outbox } from './outbox';
import type { LocalScheduler } from './scheduler/local-scheduler';
import { MetricsCollector } from './metrics-collector';
import { DeliveryTrace, originOfEvent } from './trace';
import { type RequestLogEntry, startApiGateway } from './api-gateway';
import { type CognitoLocal, startCognitoLocal } from './cognito-local';
import { startDynamoDbFront } from './dynamodb-front';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import { startLambdaApi } from './lambda-api';
import { type Authorizer, type Denial, functionAccessKeyId, LocalIam } from './iam/local-iam';
import { localPolicies, localSecretsKeyArn } from './iam/local-policies';
import { LambdaRuntime, LOCAL_ACCOUNT_ID, type RuntimeLogLine, writeToProcessStdio } from './lambda-runtime';
import { LOCAL_AWS } from './local-aws';
import { taskStateProblems } from './manifest-references';
import { type PaymentProvider as PaymentProviderServer, startPaymentProvider } from './payment-provider';
import { paymentSecrets } from './payment-secrets';
import { ParameterStore, startParameterStoreApi } from './ssm/parameter-store';
import { seed, type SeedResult } from './seed';
import { functionBundles } from './services';
import { QueuePoller } from './sqs/queue-poller';
import { ensureDeadLetterQueues, ensureQueues } from './sqs/queues';
import { startSqsServer } from './sqs/sqs-server';
import { loadStateMachines } from './step-functions/manifest-state-machines';
import { startStepFunctionsApi } from './step-functions/sfn-api';
import { type ExecutionDescription, StepFunctions } from './step-functions/step-functions';
import { ensureTables } from './tables';
import { UsageMeter } from './usage/usage-meter';
import {
  functionConfigs,
  type LocalEndpoints,
  type PaymentProviderRef,
  paymentSecretParameters,
  queueMappings,
  routeBindings,
  scheduleBindings,
  type UserPoolRef,
} from './wiring';

export type { RequestLogEntry } from './api-gateway';

/**
 * The whole shop on localhost: DynamoDB Local, cognito-local, every function of every
 * service in the local Lambda runtime, the Lambda invoke API, SQS with its event source
 * mappings, Step Functions, the HTTP API gateway and the payment provider simulator, all
 * wired from the manifests. `npm start` and the end-to-end tests both start it here, so the
 * laptop and the tests run one code path.
 */

export interface LocalCloudOptions {
  /** Stage in physical names: `shop-<stage>-<service>-<resource>`. Default `local`. */
  stage?: string;
  /** Interface the API gateway and the Lambda API listen on. Default `127.0.0.1`. */
  host?: string;
  /** Ports; 0 or absent picks a free one. */
  apiPort?: number;
  lambdaPort?: number;
  dynamoDbPort?: number;
  cognitoPort?: number;
  sqsPort?: number;
  stepFunctionsPort?: number;
  paymentProviderPort?: number;
  eventBridgePort?: number;
  snsPort?: number;
  sesPort?: number;
  ssmPort?: number;
  /** PAYMENT_WINDOW_SECONDS: how long an order waits for its payment. Default 900 (15 minutes). */
  paymentWindowSeconds?: number;
  /** EMAIL_FROM: the sender of the shop's e-mails. Default `orders@shop.local`. */
  emailFrom?: string;
  /**
   * Local acceleration, not AWS behaviour: Lambda retries a failed asynchronous invocation
   * after this many seconds instead of about 1 and then 2 minutes, so that an event reaches its
   * dead-letter queue in seconds in tests. Absent: as on AWS.
   */
  asyncRetryDelaySeconds?: number;
  /** Wait before a failing stream batch is retried; 1 s when absent. */
  streamRetryDelaySeconds?: number;
  /**
   * Local acceleration, not AWS behaviour: after a failed batch, its messages stay invisible
   * this many seconds instead of their queue's visibility timeout, so that retries and
   * dead-lettering (maxReceiveCount receives) take seconds in tests, not minutes. Absent:
   * the queue's visibility timeout, as on AWS.
   */
  sqsRetryDelaySeconds?: number;
  /** Keep DynamoDB and Cognito data (and the payment provider's secrets) here across runs; absent keeps it in memory / a temporary directory. */
  persistDir?: string;
  /** Create the demo accounts and products. Default true. */
  seed?: boolean;
  /**
   * Progress of start-up and shut-down, for a person; also what happens out of sight while it
   * runs: failed queue batches, dead letters, executions that did not succeed, payments.
   */
  log?: (line: string) => void;
  /** Hears of each start-up phase (START_PHASES) as it ends, with how long it took. */
  onPhase?: (phase: StartPhase, ms: number) => void;
  /** Every line a function writes. */
  onFunctionLog?: (line: RuntimeLogLine) => void;
  /**
   * Count what the shop uses of each billable service (`GET /_local/usage`, `npm run cost`). Puts a
   * metering proxy in front of DynamoDB Local, which asks every request for its consumed capacity.
   */
  meterUsage?: boolean;
  /** One call per HTTP request the gateway answered. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Browser origins the API answers CORS for: the storefront's (`npm start` serves it beside the API), and Vite's under `npm start` (`localWebOrigins`). */
  webOrigins?: readonly string[];
}

export interface LocalCloud {
  /** Base URL of the HTTP API, without a trailing slash. */
  apiUrl: string;
  endpoints: LocalEndpoints;
  userPool: UserPoolRef;
  stage: string;
  /** What seeding created or found; absent with `seed: false`. */
  seeded?: SeedResult;
  /** Physical name of a table: `tableName('product-service', 'products')`. */
  tableName(service: string, table: string): string;
  /** Physical name of a function: `functionName('product-service', 'create-product')`. */
  functionName(service: string, fn: string): string;
  /** Physical name of a queue: `queueName('payment-service', 'payment-events')`; its dead-letter queue adds `-dlq`. */
  queueName(service: string, queue: string): string;
  /** URL of a queue the manifests declare. */
  queueUrl(service: string, queue: string): string;
  /** URL of a dead-letter queue the manifests declare (`deadLetterQueues`). */
  deadLetterQueueUrl(service: string, queue: string): string;
  /** The shop's event bus: `shop-<stage>-events`. */
  eventBusName: string;
  /** ARN of a state machine: `stateMachineArn('checkout-orchestrator', 'checkout')`. */
  stateMachineArn(service: string, machine: string): string;
  /** The executions of the local state machines, for tests and the demo. */
  stepFunctions: LocalStepFunctions;
  /** The payment provider simulator, and the secrets the services share with it. */
  paymentProvider: PaymentProviderRef;
  /** The e-mails and text messages the shop sent (SES, SNS SMS). */
  outbox: Outbox;
  /** Every invocation with what carried it and its correlation ids. */
  trace: DeliveryTrace;
  /** The metrics the functions wrote in Embedded Metric Format, added up (also `/_local/metrics`). */
  metrics: MetricsCollector;
  eventBus: LocalEventBus;
  scheduler: LocalScheduler;
  /** Lambda's asynchronous invocations: `idle()` waits until none is running or waiting to be retried. */
  asyncInvocations: AsyncInvocations;
  runtime: LambdaRuntime;
  /** Faults to inject on purpose (also `/_local/faults`); none unless armed. */
  faults: FaultInjector;
  /** The payment provider simulator itself: its charges, refunds and ledger. */
  provider: PaymentProviderServer;
  /** IAM: every call a function made that its policy refused (there should be none). */
  iam: { denials(): readonly Denial[] };
  /** Stops everything, newest first. Safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalStepFunctions {
  /** Throws (`ExecutionDoesNotExist`) for an execution that never started. */
  describe(executionArn: string): ExecutionDescription;
  /** Executions of a machine, newest first; the machine as `service/stateMachine` or its ARN. */
  list(stateMachine: string): ExecutionDescription[];
  /** Resolves once the execution is no longer RUNNING; rejects after `timeoutMs` (default 30 s). */
  waitForExecution(executionArn: string, timeoutMs?: number): Promise<ExecutionDescription>;
}

const DEFAULT_STAGE = 'local';
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PAYMENT_WINDOW_SECONDS = 15 * 60;
const DEFAULT_EMAIL_FROM = 'orders@shop.local';

/**
 * The phases of start-up, in order. Each is timed: `onPhase` hears of each as it ends, and the
 * log's last line lists them, so a slow start says where its time went.
 * - `check`: manifests, state machine definitions and bundles, before anything starts;
 * - `emulators`: DynamoDB Local and cognito-local side by side, then the tables;
 * - `queues`: the SQS server, the queues and their dead-letter queues;
 * - `messaging`: EventBridge, SNS and SES;
 * - `compute`: the Lambda invoke API and Step Functions;
 * - `edge`: the API gateway, the payment provider and Parameter Store;
 * - `functions`: every function registered with its environment;
 * - `triggers`: queue pollers, stream pollers and the scheduler;
 * - `seed`: the demo accounts and products (unless `seed: false`).
 */
export const START_PHASES = ['check', 'emulators', 'queues', 'messaging', 'compute', 'edge', 'functions', 'triggers', 'seed'] as const;
export type StartPhase = (typeof START_PHASES)[number];

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const stage = options.stage ?? DEFAULT_STAGE;
  const host = options.host ?? DEFAULT_HOST;
  const log = options.log ?? (() => undefined);
  const region = LOCAL_AWS.region;
  const timings: string[] = [];
  const phase = async <T>(name: StartPhase, run: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    const value = await run();
    const ms = performance.now() - t0;
    timings.push(`${name} ${(ms / 1000).toFixed(1)} s`);
    options.onPhase?.(name, ms);
    return value;
  };

  // Fail on broken manifests, definitions and missing bundles before spending 15 s starting java.
  const plan = await phase('check', () => checkServices(stage, region));
  const { services } = plan;
  const core = coreParts(options, plan, log);
  const { runtime, faults, usage, stepFunctions, stateMachineArns } = core;

  const cleanup = new StopStack(log);
  try {
    const data = await phase('emulators', async () => {
      const emulators = await startEmulators(options, core.iam, cleanup, log);
      core.dynamoPid.current = emulators.dynamodb.pid;
      // Functions and tests reach DynamoDB Local through a front that holds the functions to their policies and meters.
      const front = await startDynamoDbFront({
        target: emulators.dynamodb.endpoint,
        ...(usage && { meter: usage }),
        access: { authorizer: core.iam, region, accountId: LOCAL_ACCOUNT_ID },
        host,
      });
      cleanup.push('DynamoDB front', () => front.close(), { alongsideOlder: true });
      await createTables(emulators.dynamodb, stage, services, log);
      // By the time it stops, everything that invokes functions has stopped: the emulators need
      // not wait for its threads to end.
      cleanup.push('Lambda runtime', () => runtime.stop(), { alongsideOlder: true });
      return { ...emulators, front };
    });
    const sqs = await phase('queues', () => startQueues(options, core, stage, services, cleanup, log));
    const messaging = await phase('messaging', async () => {
      const started = await startMessaging({
        runtime,
        sqs: sqs.client,
        stage,
        region,
        host,
        services,
        deadLetterQueues: sqs.deadLetterQueues,
        ports: {
          ...(options.eventBridgePort !== undefined && { eventBridge: options.eventBridgePort }),
          ...(options.snsPort !== undefined && { sns: options.snsPort }),
          ...(options.sesPort !== undefined && { ses: options.sesPort }),
        },
        ...(options.asyncRetryDelaySeconds !== undefined && { asyncRetryDelaysMs: [options.asyncRetryDelaySeconds * 1000] }),
        authorizer: core.iam,
        faults: core.faults,
        log,
      });
      cleanup.push('EventBridge, SNS and SES', () => started.stop());
      usage?.attach({
        snsPublished: () => started.sns.published,
        eventsAccepted: () => started.bus.accepted,
        stateTransitions: () =>
          stepFunctions
            .findExecutions({})
            .reduce((sum, e) => sum + stepFunctions.executionHistory(e.executionArn).filter((h) => h.type.endsWith('StateEntered')).length, 0),
      });
      log(`EventBridge at ${started.servers.eventBridge.url}, SNS at ${started.servers.sns.url}, SES at ${started.servers.ses.url}`);
      return started;
    });
    const compute = await phase('compute', async () => {
      const lambdaApi = await startLambdaApi(runtime, {
        host,
        port: options.lambdaPort ?? 0,
        asyncInvoker: (invocation) => messaging.asyncInvocations.invoke(invocation),
        authorizer: core.iam,
      });
      cleanup.push('Lambda API', () => lambdaApi.close());
      cleanup.push('Step Functions', () => stepFunctions.stop());
      const sfnApi = await startStepFunctionsApi(stepFunctions, { host, port: options.stepFunctionsPort ?? 0, authorizer: core.iam, faults: core.faults });
      cleanup.push('Step Functions API', () => sfnApi.close());
      log(`Step Functions at ${sfnApi.url}: ${stateMachineArns.size} state machine(s)`);
      return { lambdaApi, sfnApi };
    });
    // The scheduler starts last, once the functions it invokes are registered; the console asks for it then.
    const schedulerRef: { current?: LocalScheduler } = {};
    const edge = await phase('edge', () => startEdge(options, core, data.cognito, messaging, schedulerRef, stage, services, cleanup, log));

    const endpoints: LocalEndpoints = {
      dynamodb: data.front.url,
      cognito: data.cognito.endpoint,
      lambda: compute.lambdaApi.url,
      sqs: sqs.server.url,
      stepFunctions: compute.sfnApi.url,
      eventBridge: messaging.servers.eventBridge.url,
      sns: messaging.servers.sns.url,
      ses: messaging.servers.ses.url,
      ssm: edge.ssmUrl,
    };
    const userPool: UserPoolRef = { id: data.cognito.userPoolId, clientId: data.cognito.clientId };
    await phase('functions', () => {
      const emailFrom = options.emailFrom ?? DEFAULT_EMAIL_FROM;
      const functions = functionConfigs(
        {
          stage,
          region,
          endpoints,
          userPool,
          // Dead-letter queues too: a stream consumer is told its on-failure queue's URL.
          queueUrls: new Map([...sqs.queues, ...sqs.deadLetterQueues].map(([ref, q]) => [ref, q.url])),
          stateMachineArns,
          paymentProvider: edge.paymentProvider,
          paymentWindowSeconds: options.paymentWindowSeconds ?? DEFAULT_PAYMENT_WINDOW_SECONDS,
          emailFrom,
        },
        plan.bundles,
        plan.repoRoot,
      );
      // Each function's calls are held to the policy infra gives its role (decision 130).
      const policies = localPolicies({ stage, region, services, userPoolId: userPool.id, emailFrom, secretParameters: edge.paymentProvider });
      for (const fn of functions) {
        runtime.register(fn);
        core.iam.register(functionAccessKeyId(fn.name), fn.name, policies(fn.service, fn.functionName));
      }
      log(`${functions.length} functions registered, each with its IAM policy`);
    });
    const scheduler = await phase('triggers', () => startTriggers(options, core, data.dynamodb, sqs, messaging, stage, services, cleanup, log));
    schedulerRef.current = scheduler;

    const cloud: LocalCloud = {
      apiUrl: edge.apiUrl,
      endpoints,
      userPool,
      stage,
      tableName: (service, table) => physicalName(stage, service, table),
      functionName: (service, fn) => physicalName(stage, service, fn),
      queueName: (service, queue) => physicalName(stage, service, queue),
      queueUrl: (service, queue) => required(sqs.queues, `${service}/${queue}`).url,
      deadLetterQueueUrl: (service, queue) => required(sqs.deadLetterQueues, `${service}/${queue}`).url,
      stateMachineArn: (service, machine) => required(stateMachineArns, `${service}/${machine}`),
      eventBusName: eventBusName(stage),
      stepFunctions: {
        describe: (executionArn) => stepFunctions.describeExecution(executionArn),
        list: (machine) => stepFunctions.listExecutions(stateMachineArns.get(machine) ?? machine),
        waitForExecution: (executionArn, timeoutMs) => stepFunctions.waitForExecution(executionArn, timeoutMs),
      },
      paymentProvider: edge.paymentProvider,
      outbox: messaging.outbox,
      trace: core.trace,
      metrics: core.metrics,
      eventBus: messaging.bus,
      scheduler,
      asyncInvocations: messaging.asyncInvocations,
      runtime,
      faults,
      provider: edge.provider,
      iam: core.iam,
      stop: () => cleanup.stopAll(),
    };
    if (options.seed ?? true) {
      cloud.seeded = await phase('seed', () => seed(cloud, { log }));
      log(cloud.seeded.created ? 'seeded demo accounts and products' : 'demo data already there; not seeded');
    }
    log(`started: ${timings.join(', ')}`);
    return cloud;
  } catch (error) {
    await cleanup.stopAll().catch(() => undefined);
    throw error;
  }
}

/** Phase `check`: the manifests, their references, the state machines and the bundles, before anything starts. */
async function checkServices(stage: string, region: string) {
  const repoRoot = findRepoRoot();
  const loaded = await loadServices(repoRoot);
  const services = loaded.map((s) => s.manifest);
  const machines = loadStateMachines(stage, loaded, region);
  const problems = [...manifestProblems(services), ...taskStateProblems(services, machines)];
  if (problems.length > 0) throw new ManifestReferenceError(problems);
  return { repoRoot, services, machines, bundles: functionBundles(repoRoot, services) };
}
type ServicePlan = Awaited<ReturnType<typeof checkServices>>;

/**
 * What every phase shares, made before any port opens: the Lambda runtime (which starts no
 * thread until a function is invoked), the trace, the metrics, the usage meter, the fault
 * injector and Step Functions with the state machines registered (which validates them).
 */
function coreParts(options: LocalCloudOptions, plan: ServicePlan, log: (line: string) => void) {
  const stage = options.stage ?? DEFAULT_STAGE;
  const { services, bundles, machines } = plan;
  const byPhysicalName = new Map(
    bundles.map((b) => [physicalName(stage, b.service.name, b.functionName), { service: b.service.name, function: b.functionName, layers: [...b.layers] }]),
  );
  const trace = new DeliveryTrace((functionName) => byPhysicalName.get(functionName));
  const memoryByPhysicalName = new Map(
    services.flatMap((s) => Object.entries(s.functions).map(([fn, def]) => [physicalName(stage, s.name, fn), def.memoryMb] as const)),
  );
  const usage = options.meterUsage ? new UsageMeter((functionName) => memoryByPhysicalName.get(functionName)) : undefined;
  const metrics = new MetricsCollector();
  const showLog = options.onFunctionLog ?? writeToProcessStdio;
  // Faults are off until someone arms one (`/_local/faults`); a DynamoDB pause fires when armed.
  const dynamoPid: { current?: number } = {};
  const faults = new FaultInjector((fault) => {
    if (fault.kind !== 'dynamodb-pause' || dynamoPid.current === undefined) return;
    const pid = dynamoPid.current;
    faults.take('dynamodb-pause');
    log(`faults: DynamoDB Local paused for ${fault.delayMs} ms`);
    try {
      process.kill(pid, 'SIGSTOP');
    } catch {
      return;
    }
    setTimeout(() => {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // It stopped meanwhile.
      }
    }, fault.delayMs ?? 0).unref();
  }, faultTargets(services));
  const iam = new LocalIam(LOCAL_ACCOUNT_ID, log);
  const runtime = new LambdaRuntime({
    faults,
    onLog: (line) => {
      usage?.logLine(line.functionName, line.line);
      trace.noteLog(line);
      metrics.noteLog(line);
      showLog(line);
    },
    onInvoke: ({ functionName, requestId, origin, event, result, segment }) => {
      const carrier = origin ?? originOfEvent(event);
      usage?.invocation(functionName, result.durationMs);
      metrics.noteInvocation(functionName, result);
      if (carrier?.pattern === 'sqs') usage?.sqsBatchDelivered();
      if (!carrier) return;
      trace.record({
        // When it started: the trace reads in the order things happened, a caller before its callees.
        at: new Date(Date.now() - result.durationMs).toISOString(),
        functionName,
        requestId,
        ...carrier,
        ...segment,
        ok: result.ok,
        coldStart: result.coldStart,
        durationMs: result.durationMs,
        ...(!result.ok && { error: `${result.error.errorType}: ${result.error.errorMessage}` }),
      });
    },
  });
  const stepFunctions = new StepFunctions({ runtime, region: LOCAL_AWS.region, log: (line) => log(`step functions: ${line}`) });
  const stateMachineArns = new Map(machines.map((m) => [m.ref, stepFunctions.addStateMachine({ name: m.physicalName, prepared: m.prepared })]));
  return { trace, usage, metrics, dynamoPid, faults, runtime, stepFunctions, stateMachineArns, iam };
}
type CoreParts = ReturnType<typeof coreParts>;

/** The tables of every manifest, created where they are missing (a persisted cloud keeps its own). */
async function createTables(dynamodb: DynamoDbLocal, stage: string, services: readonly ServiceManifest[], log: (line: string) => void): Promise<void> {
  const db = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamodb.endpoint });
  try {
    const tables = await ensureTables(db, stage, services);
    log(`tables: ${tables.created.length} created, ${tables.existing.length} already there`);
  } finally {
    db.destroy();
  }
}

/** Phase `queues`: the SQS server with every manifest's queues and dead-letter queues. */
async function startQueues(
  options: LocalCloudOptions,
  core: CoreParts,
  stage: string,
  services: readonly ServiceManifest[],
  cleanup: StopStack,
  log: (line: string) => void,
) {
  const queueRefs = new Map<string, string>();
  const server = await startSqsServer({
    host: options.host ?? DEFAULT_HOST,
    port: options.sqsPort ?? 0,
    region: LOCAL_AWS.region,
    faults: { injector: core.faults, queueRef: (name) => queueRefs.get(name) },
    ...(core.usage && { onSend: () => core.usage?.sqsSend() }),
    authorizer: core.iam,
  });
  cleanup.push('SQS', () => server.close());
  const client = new SQSClient({ ...LOCAL_AWS, endpoint: server.url });
  cleanup.push('SQS client', async () => client.destroy());
  const queues = await ensureQueues(client, stage, services);
  const deadLetterQueues = await ensureDeadLetterQueues(client, stage, services);
  for (const ref of queues.keys()) {
    const { service, name } = parseRef(ref);
    queueRefs.set(physicalName(stage, service, name), ref);
  }
  log(`SQS at ${server.url}: ${queues.size} queue(s), each with its dead-letter queue, and ${deadLetterQueues.size} dead-letter queue(s) for failed events`);
  return { server, client, queues, deadLetterQueues };
}
type Queues = Awaited<ReturnType<typeof startQueues>>;
type Messaging = Awaited<ReturnType<typeof startMessaging>>;

/**
 * Phase `edge`: what the outside world talks to. The gateway only holds the runtime: it can
 * listen before the functions are registered, and it must, because the payment provider needs
 * its URL for webhooks and the functions need the provider's.
 */
async function startEdge(
  options: LocalCloudOptions,
  core: CoreParts,
  cognito: CognitoLocal,
  messaging: Messaging,
  schedulerRef: { current?: LocalScheduler },
  stage: string,
  services: readonly ServiceManifest[],
  cleanup: StopStack,
  log: (line: string) => void,
) {
  const host = options.host ?? DEFAULT_HOST;
  const { runtime, usage } = core;
  const providerRef: { current?: PaymentProviderServer } = {};
  const gateway = await startApiGateway({
    runtime,
    routes: routeBindings(stage, services),
    verifier: createTokenVerifier({ userPoolId: cognito.userPoolId, clientId: cognito.clientId, jwks: cognito.jwks }),
    host,
    port: options.apiPort ?? 0,
    ...((options.onRequest || usage) && {
      onRequest: (entry: RequestLogEntry) => {
        if (!entry.path.startsWith('/_local')) usage?.apiRequest();
        options.onRequest?.(entry);
      },
    }),
    ...(options.webOrigins?.length && { cors: { origins: options.webOrigins } }),
    console: localConsole({
      outbox: messaging.outbox,
      trace: core.trace,
      bus: messaging.bus,
      scheduler: () => schedulerRef.current,
      paymentProvider: () => providerRef.current,
      functions: () => runtime.functions(),
      faults: core.faults,
      metrics: core.metrics,
      stepFunctions: core.stepFunctions,
      iam: core.iam,
      ...(usage && { usage }),
    }),
  });
  cleanup.push('API gateway', () => gateway.close());
  const apiUrl = gateway.url.replace(/\/$/, '');
  log(`API gateway at ${apiUrl}`);

  const secrets = paymentSecrets(options.persistDir);
  const provider = await startPaymentProvider({
    faults: core.faults,
    host,
    port: options.paymentProviderPort ?? 0,
    ...secrets,
    webhookUrl: `${apiUrl}/payment/webhook`,
    log: (line) => log(`payment provider: ${line}`),
  });
  cleanup.push('payment provider', () => provider.stop());
  providerRef.current = provider;
  // The functions read the secrets from Parameter Store at run time, as on AWS: their
  // environment names the parameters, never the values.
  const parameters = paymentSecretParameters(stage);
  const parameterStore = new ParameterStore(LOCAL_AWS.region);
  parameterStore.put(parameters.apiKeyParameter, secrets.apiKey);
  parameterStore.put(parameters.webhookSecretParameter, secrets.webhookSecret);
  const ssmApi = await startParameterStoreApi(parameterStore, {
    host,
    port: options.ssmPort ?? 0,
    access: { authorizer: core.iam, keyArn: localSecretsKeyArn(stage) },
  });
  cleanup.push('SSM Parameter Store', () => ssmApi.close());
  log(`SSM Parameter Store at ${ssmApi.url}: the payment provider's secrets`);
  const paymentProvider: PaymentProviderRef = { url: provider.url, ...secrets, ...parameters };
  return { apiUrl, provider, paymentProvider, ssmUrl: ssmApi.url };
}

/** Phase `triggers`: what invokes functions on its own: queue pollers, stream pollers and the scheduler. */
async function startTriggers(
  options: LocalCloudOptions,
  core: CoreParts,
  dynamodb: DynamoDbLocal,
  sqs: Queues,
  messaging: Messaging,
  stage: string,
  services: readonly ServiceManifest[],
  cleanup: StopStack,
  log: (line: string) => void,
): Promise<LocalScheduler> {
  const region = LOCAL_AWS.region;
  for (const mapping of queueMappings(stage, services)) {
    const poller = new QueuePoller({
      sqs: sqs.client,
      runtime: core.runtime,
      functionName: mapping.functionName,
      queue: required(sqs.queues, mapping.queue),
      batchSize: mapping.batchSize,
      maxBatchingWindowSeconds: mapping.maxBatchingWindowSeconds,
      region,
      ...(options.sqsRetryDelaySeconds !== undefined && { retryDelaySeconds: options.sqsRetryDelaySeconds }),
      log,
    });
    poller.start();
    cleanup.push(`poller of ${mapping.queue}`, () => poller.stop());
  }
  const streams = await startStreamPollers({
    runtime: core.runtime,
    sqs: sqs.client,
    dynamoDbEndpoint: dynamodb.endpoint,
    stage,
    region,
    services,
    deadLetterQueues: sqs.deadLetterQueues,
    ...(options.streamRetryDelaySeconds !== undefined && { retryDelayMs: options.streamRetryDelaySeconds * 1000 }),
    log,
  });
  cleanup.push('stream pollers', () => streams.stop());
  const scheduler = startScheduler({ asyncInvocations: messaging.asyncInvocations, stage, services, log });
  cleanup.push('scheduler', async () => scheduler.stop());
  log(`${streams.pollers.length} stream mapping(s), ${scheduleBindings(stage, services).length} schedule(s)`);
  return scheduler;
}

/** DynamoDB Local and cognito-local, started side by side: java's 6–18 s dominates start-up. */
async function startEmulators(
  options: LocalCloudOptions,
  authorizer: Authorizer,
  cleanup: StopStack,
  log: (line: string) => void,
): Promise<{ dynamodb: DynamoDbLocal; cognito: CognitoLocal }> {
  const started = Date.now();
  const seconds = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const persist = options.persistDir;
  const [dynamodb, cognito] = await Promise.allSettled([
    startDynamoDbLocal({
      port: options.dynamoDbPort ?? 0,
      ...(persist && { dbPath: join(persist, 'dynamodb') }),
    }).then((d) => (log(`DynamoDB Local at ${d.endpoint} (${seconds()})`), d)),
    startCognitoLocal({
      port: options.cognitoPort ?? 0,
      authorizer,
      ...(persist && { dataDir: join(persist, 'cognito') }),
    }).then((c) => (log(`cognito-local at ${c.endpoint}, pool ${c.userPoolId} (${seconds()})`), c)),
  ]);
  // Whichever started must be stopped, even when the other failed.
  const running = [dynamodb, cognito].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  cleanup.push('emulators', async () => {
    await Promise.all(running.map((e) => e.stop()));
  });
  if (dynamodb.status === 'rejected') throw dynamodb.reason;
  if (cognito.status === 'rejected') throw cognito.reason;
  return { dynamodb: dynamodb.value, cognito: cognito.value };
}

/** What a fault may be aimed at: every function and queue of the manifests, as `service/name`. */
function faultTargets(services: readonly ServiceManifest[]): { functions: Set<string>; queues: Set<string> } {
  return {
    functions: new Set(services.flatMap((s) => Object.keys(s.functions).map((name) => `${s.name}/${name}`))),
    queues: new Set(services.flatMap((s) => Object.keys(s.queues ?? {}).map((name) => `${s.name}/${name}`))),
  };
}

/** A part that takes this long to stop is named, so that a slow Ctrl-C explains itself. */
const SLOW_STOP_MS = 1_000;

/**
 * Things to stop, stopped newest first; every one is tried even when another fails. An entry
 * pushed `alongsideOlder` does not hold up the entries older than it: they start stopping while it
 * still does, so that Ctrl-C waits for the slowest of them, not their sum (the Lambda runtime's
 * worker threads and the emulators' processes take seconds each on a busy machine).
 */
class StopStack {
  private readonly entries: { name: string; stop: () => Promise<void>; alongsideOlder: boolean }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: (line: string) => void) {}

  push(name: string, stop: () => Promise<void>, options: { alongsideOlder?: boolean } = {}): void {
    this.entries.push({ name, stop, alongsideOlder: options.alongsideOlder ?? false });
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      const errors: unknown[] = [];
      const stopOne = async (entry: { name: string; stop: () => Promise<void> }): Promise<void> => {
        const t0 = Date.now();
        try {
          await entry.stop();
          const ms = Date.now() - t0;
          if (ms >= SLOW_STOP_MS) this.log(`stopping ${entry.name} took ${ms} ms`);
        } catch (error) {
          this.log(`stopping ${entry.name} failed: ${(error as Error).message}`);
          errors.push(error);
        }
      };
      const inFlight: Promise<void>[] = [];
      for (const entry of [...this.entries].reverse()) {
        const stopped = stopOne(entry);
        if (entry.alongsideOlder) inFlight.push(stopped);
        else await stopped;
      }
      await Promise.all(inFlight);
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, 'stopping the local cloud failed');
    })();
    return this.stopping;
  }
}
