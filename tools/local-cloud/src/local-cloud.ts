import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTokenVerifier } from '@shop/auth';
import { physicalName } from '@shop/common';
import { type RequestLogEntry, startApiGateway } from './api-gateway';
import { type CognitoLocal, startCognitoLocal } from './cognito-local';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import { startLambdaApi } from './lambda-api';
import { LambdaRuntime, type RuntimeLogLine } from './lambda-runtime';
import { LOCAL_AWS } from './local-aws';
import { seed, type SeedResult } from './seed';
import { findRepoRoot, functionBundles, loadServices } from './services';
import { ensureTables } from './tables';
import { functionConfigs, type LocalEndpoints, routeBindings, type UserPoolRef } from './wiring';

export type { RequestLogEntry } from './api-gateway';

/**
 * The whole shop on localhost: DynamoDB Local, cognito-local, every function of every
 * service in the local Lambda runtime, the Lambda invoke API and the HTTP API gateway,
 * all wired from the manifests. `npm start` and the end-to-end tests both start it here,
 * so the laptop and the tests run one code path.
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
  /** Keep DynamoDB and Cognito data here across runs; absent keeps it in memory / a temporary directory. */
  persistDir?: string;
  /** Create the demo accounts and products. Default true. */
  seed?: boolean;
  /** Progress of start-up and shut-down, for a person. */
  log?: (line: string) => void;
  /** Every line a function writes. */
  onFunctionLog?: (line: RuntimeLogLine) => void;
  /** One call per HTTP request the gateway answered. */
  onRequest?: (entry: RequestLogEntry) => void;
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
  runtime: LambdaRuntime;
  /** Stops everything, newest first. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_STAGE = 'local';
const DEFAULT_HOST = '127.0.0.1';

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const stage = options.stage ?? DEFAULT_STAGE;
  const host = options.host ?? DEFAULT_HOST;
  const log = options.log ?? (() => undefined);

  // Fail on missing bundles before spending 15 s starting java.
  const repoRoot = findRepoRoot();
  const services = await loadServices(repoRoot);
  const bundles = functionBundles(repoRoot, services);

  const cleanup = new StopStack(log);
  try {
    const { dynamodb, cognito } = await startEmulators(options, cleanup, log);

    const db = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamodb.endpoint });
    try {
      const tables = await ensureTables(db, stage, services);
      log(`tables: ${tables.created.length} created, ${tables.existing.length} already there`);
    } finally {
      db.destroy();
    }

    const runtime = new LambdaRuntime(options.onFunctionLog ? { onLog: options.onFunctionLog } : {});
    cleanup.push('Lambda runtime', () => runtime.stop());
    const lambdaApi = await startLambdaApi(runtime, { host, port: options.lambdaPort ?? 0 });
    cleanup.push('Lambda API', () => lambdaApi.close());

    const endpoints: LocalEndpoints = { dynamodb: dynamodb.endpoint, cognito: cognito.endpoint, lambda: lambdaApi.url };
    const userPool: UserPoolRef = { id: cognito.userPoolId, clientId: cognito.clientId };
    const functions = functionConfigs({ stage, region: LOCAL_AWS.region, endpoints, userPool }, bundles);
    for (const fn of functions) runtime.register(fn);
    log(`${functions.length} functions registered`);

    const gateway = await startApiGateway({
      runtime,
      routes: routeBindings(stage, services),
      verifier: createTokenVerifier({ userPoolId: cognito.userPoolId, clientId: cognito.clientId, jwks: cognito.jwks }),
      host,
      port: options.apiPort ?? 0,
      ...(options.onRequest && { onRequest: options.onRequest }),
    });
    cleanup.push('API gateway', () => gateway.close());
    log(`API gateway at ${gateway.url}`);

    const cloud: LocalCloud = {
      apiUrl: gateway.url.replace(/\/$/, ''),
      endpoints,
      userPool,
      stage,
      tableName: (service, table) => physicalName(stage, service, table),
      functionName: (service, fn) => physicalName(stage, service, fn),
      runtime,
      stop: () => cleanup.stopAll(),
    };
    if (options.seed ?? true) {
      cloud.seeded = await seed(cloud, { log });
      log(cloud.seeded.created ? 'seeded demo accounts and products' : 'demo data already there; not seeded');
    }
    return cloud;
  } catch (error) {
    await cleanup.stopAll().catch(() => undefined);
    throw error;
  }
}

/** DynamoDB Local and cognito-local, started side by side: java's 6–18 s dominates start-up. */
async function startEmulators(
  options: LocalCloudOptions,
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

/** Things to stop, stopped newest first; every one is tried even when another fails. */
class StopStack {
  private readonly entries: { name: string; stop: () => Promise<void> }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: (line: string) => void) {}

  push(name: string, stop: () => Promise<void>): void {
    this.entries.push({ name, stop });
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      const errors: unknown[] = [];
      for (const entry of [...this.entries].reverse()) {
        try {
          await entry.stop();
        } catch (error) {
          this.log(`stopping ${entry.name} failed: ${(error as Error).message}`);
          errors.push(error);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, 'stopping the local cloud failed');
    })();
    return this.stopping;
  }
}
