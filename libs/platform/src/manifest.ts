import type * as z from 'zod/mini';

/**
 * The service manifest: one typed definition of what a service has and may touch.
 * Three readers use it: `infra/` (Terraform + least-privilege IAM), `tools/local-cloud`
 * (wiring routes and triggers on the laptop) and the docs generators (diagram, OpenAPI).
 * It is data and pure functions: a handler loads its own service's manifest to find its route
 * (`httpRoute`), and the HTTP wrapper reads what a route may answer (`routeErrorStatuses`), so this
 * file runs in Lambdas too and must stay free of I/O. The build-time readers live beside it.
 */

export type Role = 'CUSTOMER' | 'ADMIN' | 'MANAGER';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type AttributeType = 'S' | 'N';

export interface KeyDef {
  name: string;
  type: AttributeType;
}

export interface IndexDef {
  name: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
}

export interface TableDef {
  /** One line: what the table holds. */
  description: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  globalSecondaryIndexes?: IndexDef[];
  /** Stream view type when the table has a DynamoDB stream. */
  stream?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  /** Attribute holding an epoch-seconds expiry, when items expire. */
  ttlAttribute?: string;
}

/**
 * The shop's resources by reference, as `service/name`: filled in for the services by
 * `shop-references.d.ts` at the repository root, which `npm run docs` writes from every manifest
 * and each service's tsconfig includes. There, a reference to another service's function, queue,
 * state machine, table or dead-letter queue that does not exist fails the type check. Where the
 * file is not included (the platform's own tools and tests), a reference is any string, and
 * `manifestProblems` checks the references when the manifests are loaded.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging
export interface ShopReferences {}
type Reference<K extends string> = ShopReferences extends { readonly [P in K]: infer R extends string } ? R : string;
/** `service/function` of any function of the shop. */
export type FunctionRef = Reference<'functions'>;
/** `service/queue` of any queue of the shop. */
export type QueueRef = Reference<'queues'>;
/** `service/deadLetterQueue` of any dead-letter queue of the shop. */
export type DeadLetterQueueRef = Reference<'deadLetterQueues'>;
/** `service/stateMachine` of any state machine of the shop. */
export type StateMachineRef = Reference<'stateMachines'>;
/** `service/table` of any table of the shop. */
export type TableRef = Reference<'tables'>;
/** `service/topic` of any topic of the shop. */
export type TopicRef = Reference<'topics'>;

/** Who may call a route. The API gateway's JWT authorizer checks the token; the handler checks the role. */
export type RouteAuth = { kind: 'public' } | { kind: 'signed-in'; roles?: readonly Role[] };

export interface HttpTrigger {
  type: 'http';
  method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders. */
  path: string;
  auth: RouteAuth;
  summary: string;
  /**
   * The route's schemas, typed as zod/mini's (what libs/contracts declares, so that bundles leave zod
   * classic out); a classic zod schema, as tools and tests build, fits these types too.
   */
  request?: {
    body?: z.ZodMiniType;
    query?: z.ZodMiniType;
    path?: z.ZodMiniType;
    /** Checked against the lower-cased headers; use a non-strict object naming the headers the route needs. */
    headers?: z.ZodMiniType;
  };
  /** Success status and body schema (for the OpenAPI document). */
  response: { status: number; body?: z.ZodMiniType };
  /**
   * Error statuses the route's handler answers, besides those the wrapper and the gateway answer
   * for every route ({@link routeErrorStatuses}). Declared once: the OpenAPI document lists them,
   * and the wrapper logs an error when a handler answers one that is not declared.
   */
  errors?: readonly ErrorStatus[];
}

/** The error statuses a route may declare. */
export type ErrorStatus = 400 | 401 | 402 | 403 | 404 | 405 | 409 | 412 | 413 | 422 | 429 | 502 | 503 | 504;

/**
 * Every error status a route may answer: 400 for a request its schemas refuse (or a body that is
 * not JSON), 401 and 403 when it needs a signed-in caller or a role, 413 when it takes a body,
 * 500, and what the manifest declares.
 */
export function routeErrorStatuses(route: {
  auth?: RouteAuth;
  request?: { body?: unknown };
  errors?: readonly number[];
}): number[] {
  const signedIn = route.auth?.kind === 'signed-in';
  const roles = route.auth?.kind === 'signed-in' && Boolean(route.auth.roles?.length);
  return [
    ...new Set([400, ...(signedIn ? [401] : []), ...(roles ? [403] : []), ...(route.request?.body ? [413] : []), 500, ...(route.errors ?? [])]),
  ].sort((a, b) => a - b);
}

/** Called directly by another function with `LambdaClient` (RequestResponse or Event). */
export interface InvokeTrigger {
  type: 'invoke';
  /** `service/function` names of the callers. */
  callers: readonly FunctionRef[];
}

/** An SQS event source mapping: the function consumes a queue, reporting partial batch failures. */
export interface QueueTrigger {
  type: 'queue';
  /** `service/queue` of the queue (declared in its owner's `queues`). */
  queue: QueueRef;
  batchSize: number;
  /** Seconds to gather a batch before invoking; 0 invokes as soon as a message is there. */
  maxBatchingWindowSeconds?: number;
}

/** A Task state of a state machine runs this function. */
export interface StateMachineTaskTrigger {
  type: 'state-machine-task';
  /** `service/stateMachine` of the machine (declared in its owner's `stateMachines`). */
  stateMachine: StateMachineRef;
  /** Names of the Task states that run the function. */
  states: readonly string[];
}

/**
 * An EventBridge event pattern, as AWS writes it: each leaf lists what matches there, as
 * exact values or matchers. Nested objects match inside `detail`; `$or` takes alternatives.
 */
export type PatternMatcher =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string | { readonly 'equals-ignore-case': string } }
  | { readonly suffix: string | { readonly 'equals-ignore-case': string } }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly exists: boolean }
  | { readonly numeric: readonly (string | number)[] }
  | {
      readonly 'anything-but':
        | string
        | number
        | readonly (string | number)[]
        | { readonly prefix: string }
        | { readonly suffix: string }
        | { readonly 'equals-ignore-case': string | readonly string[] };
    };

export interface EventPattern {
  readonly [field: string]: readonly PatternMatcher[] | EventPattern | readonly EventPattern[];
}

/** An EventBridge rule on the shop's event bus whose target is this function (an asynchronous invoke). */
export interface EventRuleTrigger {
  type: 'event-rule';
  /** Rule name, unique within the service. */
  rule: string;
  description: string;
  pattern: EventPattern;
}

/** The function is subscribed to an SNS topic (declared in its owner's `topics`); SNS invokes it asynchronously. */
export interface TopicTrigger {
  type: 'topic';
  /** `service/topic`. */
  topic: TopicRef;
}

/** EventBridge Scheduler invokes the function (asynchronously) with `input`. */
export interface ScheduleTrigger {
  type: 'schedule';
  /** Schedule name, unique within the service. */
  schedule: string;
  description: string;
  /** `cron(minutes hours day-of-month month day-of-week year)` or `rate(n unit)`, in UTC. */
  expression: string;
  input: Readonly<Record<string, unknown>>;
}

/**
 * A DynamoDB stream event source mapping with partial batch responses: the function reports
 * the first record it could not process, and Lambda retries from there, in order per shard.
 */
export interface TableStreamTrigger {
  type: 'table-stream';
  /** `service/table` of a table that declares a `stream`. */
  table: TableRef;
  batchSize: number;
  maxBatchingWindowSeconds?: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Retries of a failing batch before it goes to `onFailure`; -1 retries until the record expires from the stream. */
  maximumRetryAttempts: number;
  /** Split a failing batch in two and retry the halves, so one bad record holds back as few as possible. */
  bisectBatchOnError: boolean;
  /** `service/deadLetterQueue` that receives where a batch that kept failing lies in the stream (shard, sequence numbers). */
  onFailure: DeadLetterQueueRef;
}

export type Trigger =
  | HttpTrigger
  | InvokeTrigger
  | QueueTrigger
  | StateMachineTaskTrigger
  | EventRuleTrigger
  | TopicTrigger
  | ScheduleTrigger
  | TableStreamTrigger;

/** The triggers that invoke a function asynchronously, so that its `asyncInvoke` settings apply. */
export const ASYNC_TRIGGER_TYPES = ['event-rule', 'topic', 'schedule'] as const satisfies readonly Trigger['type'][];

export interface QueueDef {
  description: string;
  /** Longer than the consumer's timeout, so a message is not handed out twice while in work. */
  visibilityTimeoutSeconds: number;
  /** After this many receives without success a message moves to the queue's dead-letter queue (`<name>-dlq`). */
  maxReceiveCount: number;
}

/**
 * A queue where what could not be processed lands for a person: the on-failure destination of
 * asynchronous invokes and stream mappings. It has no consumer and no dead-letter queue of its
 * own; infra puts an alarm on it.
 */
export interface DeadLetterQueueDef {
  description: string;
}

/** An SNS topic the service owns; functions subscribe with a `topic` trigger. */
export interface TopicDef {
  description: string;
  /** EventBridge rules on the shop's event bus whose target is this topic, by rule name. */
  rules?: Readonly<Record<string, { description: string; pattern: EventPattern }>>;
}

export interface StateMachineDef {
  description: string;
  /**
   * The Amazon States Language definition, relative to the service root. Task states name
   * their function as `${service/function}`; infra and the local cloud substitute the ARN.
   */
  definition: string;
}

/**
 * A DynamoDB action on a table's items, as IAM names it (`dynamodb:<action>`). A transaction has
 * no action of its own: TransactWriteItems is authorized item by item as PutItem, UpdateItem,
 * DeleteItem or ConditionCheckItem, TransactGetItems as GetItem.
 */
export const TABLE_ACTIONS = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'ConditionCheckItem',
] as const;
export type TableAction = (typeof TABLE_ACTIONS)[number];

/** The actions that read an index: an index holds no items of its own to get or write. */
export type IndexAction = Extract<TableAction, 'Query' | 'Scan'>;

/** What a function may do with one table, when a list of actions does not say enough. */
export interface TableGrant {
  /** Actions on the table's items. */
  actions?: readonly TableAction[];
  /** Queries and scans of the table's global secondary indexes, by index name. */
  indexes?: Readonly<Record<string, readonly IndexAction[]>>;
  /**
   * The only attributes the function's requests may name, its keys included (IAM's
   * `dynamodb:Attributes`): it reads only these, with a projection, and writes only these.
   * Attributes named in a condition count, as IAM cannot tell a condition from a write.
   */
  attributes?: readonly string[];
}

/**
 * The DynamoDB actions a function calls on a table, as precisely as IAM grants them: a list of
 * actions on the table's items (`['GetItem', 'UpdateItem']`), or a {@link TableGrant} for index
 * queries and attribute limits. Infra grants exactly these; a test holds them to the actions
 * the function's bundle can call.
 */
export type TableAccess = readonly TableAction[] | TableGrant;

/** A table access in its full form: the actions on the table, on each index, and the attribute limit if any. */
export function tableGrant(access: TableAccess): { actions: readonly TableAction[]; indexes: Readonly<Record<string, readonly IndexAction[]>>; attributes?: readonly string[] } {
  if (isActionList(access)) return { actions: access, indexes: {} };
  return { actions: access.actions ?? [], indexes: access.indexes ?? {}, ...(access.attributes && { attributes: access.attributes }) };
}

function isActionList(access: TableAccess): access is readonly TableAction[] {
  return Array.isArray(access);
}

/** Cognito user-pool API actions a function may call (IAM `cognito-idp:<action>`). */
export type UserPoolAction =
  | 'SignUp'
  | 'AdminCreateUser'
  | 'AdminConfirmSignUp'
  | 'AdminSetUserPassword'
  | 'AdminAddUserToGroup'
  | 'AdminGetUser'
  | 'AdminDeleteUser'
  | 'InitiateAuth'
  | 'AdminInitiateAuth'
  | 'RevokeToken';

export type StateMachineAction = 'StartExecution' | 'DescribeExecution' | 'SendTaskSuccess' | 'SendTaskFailure';

/** Events a function puts on the shop's event bus: one source and its detail types (IAM conditions limit it to these). */
export interface EventPublishing {
  source: string;
  detailTypes: readonly string[];
}

/** Messages a function sends to people: e-mail through SES, SMS through SNS. */
export type MessageChannel = 'email' | 'sms';

export interface Permissions {
  /** Tables of this service, by logical name, with the DynamoDB actions the function calls on each. */
  tables?: Readonly<Record<string, TableAccess>>;
  /**
   * Tables another service owns, as `service/table`. Kept for the few places where one
   * transaction must span two services' data (stock reservation); prefer an invoke.
   */
  foreignTables?: Readonly<Record<string, TableAccess>>;
  /** The platform's Cognito user pool. */
  userPool?: readonly UserPoolAction[];
  /** Functions this one invokes and waits for (RequestResponse), as `service/function`. */
  invokes?: readonly FunctionRef[];
  /** Functions this one invokes without waiting (`InvocationType: Event`), as `service/function`. */
  invokesAsync?: readonly FunctionRef[];
  /** Events this function puts on the shop's event bus. */
  publishes?: EventPublishing;
  /** Channels this function sends messages to people through. */
  messages?: readonly MessageChannel[];
  /** Queues this function sends to, as `service/queue`. */
  sendsTo?: readonly QueueRef[];
  /** State machines this function starts or reports to, as `service/stateMachine`. */
  stateMachines?: Readonly<Record<string, readonly StateMachineAction[]>>;
}

export interface FunctionDef {
  /** One line: what the function is for. */
  description: string;
  /** Lambda's memory size (and, with it, CPU share); {@link FUNCTION_DEFAULTS} when the manifest does not say. */
  memoryMb: number;
  /** Lambda's timeout; {@link FUNCTION_DEFAULTS} when the manifest does not say. */
  timeoutSeconds: number;
  triggers: readonly Trigger[];
  permissions: Permissions;
  /** Platform resources whose names the function reads from its environment. */
  uses?: readonly PlatformResource[];
  /**
   * What Lambda does when an asynchronous invocation fails (an `Event` invoke, an event rule,
   * a topic, a schedule): retry it up to `maximumRetryAttempts` times, then send the event and
   * the error to the `onFailure` dead-letter queue (`service/deadLetterQueue`).
   */
  asyncInvoke?: { maximumRetryAttempts: 0 | 1 | 2; onFailure: DeadLetterQueueRef };
}

/**
 * Platform resources and settings a function reads from its environment:
 * `userPool` → USER_POOL_ID, USER_POOL_CLIENT_ID;
 * `paymentProvider` → PAYMENT_PROVIDER_URL, and the NAMES of the SSM SecureString parameters holding its
 *   secrets, PAYMENT_PROVIDER_API_KEY_PARAMETER and PAYMENT_WEBHOOK_SECRET_PARAMETER (the values are read at
 *   run time, never put in the environment);
 * `checkout` → PAYMENT_WINDOW_SECONDS;
 * `email` → EMAIL_FROM (the SES identity messages are sent from).
 * A function that `publishes` events reads the bus name from EVENT_BUS_NAME.
 */
export type PlatformResource = 'userPool' | 'paymentProvider' | 'checkout' | 'email';

export interface ServiceManifest {
  /** The Nx project and npm package name, e.g. `product-service`. */
  name: string;
  description: string;
  tables: Readonly<Record<string, TableDef>>;
  queues?: Readonly<Record<string, QueueDef>>;
  deadLetterQueues?: Readonly<Record<string, DeadLetterQueueDef>>;
  topics?: Readonly<Record<string, TopicDef>>;
  stateMachines?: Readonly<Record<string, StateMachineDef>>;
  functions: Readonly<Record<string, FunctionDef>>;
}

/**
 * What a function gets when its manifest does not say. 256 MB: the shop's functions wait on
 * DynamoDB and each other, not on CPU, and below 256 MB their cold starts grow (docs/performance.md).
 * 10 s: well above any handler's p99 on the local cloud, well below API Gateway's 30 s.
 */
export const FUNCTION_DEFAULTS = { memoryMb: 256, timeoutSeconds: 10 } as const;

/** Permissions as a manifest writes them: the records keyed by another service's resource take only references that exist. */
export type PermissionsInput = Omit<Permissions, 'foreignTables' | 'stateMachines'> & {
  foreignTables?: RefRecord<TableRef, TableAccess>;
  stateMachines?: RefRecord<StateMachineRef, readonly StateMachineAction[]>;
};
/** Some of the references as keys; any string while the references are not filled in (then it is what `Permissions` takes). */
type RefRecord<R extends string, V> = string extends R ? Readonly<Record<string, V>> : { readonly [K in R]?: V };

/** A function as its manifest is written: memory and timeout may be left to {@link FUNCTION_DEFAULTS}. */
export type FunctionDefInput = Omit<FunctionDef, 'memoryMb' | 'timeoutSeconds' | 'permissions'> &
  Partial<Pick<FunctionDef, 'memoryMb' | 'timeoutSeconds'>> & { permissions: PermissionsInput };

/** A manifest as a service writes it, before {@link defineService} fills in the defaults. */
export interface ServiceManifestInput extends Omit<ServiceManifest, 'functions'> {
  functions: Readonly<Record<string, FunctionDefInput>>;
}

/** The manifest `defineService` returns: the literal one written, with every function's memory and timeout set. */
export type DefinedService<M extends ServiceManifestInput> = Omit<M, 'functions'> & {
  readonly functions: { readonly [F in keyof M['functions']]: M['functions'][F] & { readonly memoryMb: number; readonly timeoutSeconds: number } };
};

/**
 * Checks a manifest, fills in the function defaults, and gives it its literal type, so that
 * names (functions, tables, routes) stay checkable where handlers use them.
 */
export function defineService<const M extends ServiceManifestInput>(input: M): DefinedService<M> {
  const manifest = {
    ...input,
    functions: Object.fromEntries(
      Object.entries(input.functions).map(([name, fn]) => [
        name,
        { ...fn, memoryMb: fn.memoryMb ?? FUNCTION_DEFAULTS.memoryMb, timeoutSeconds: fn.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds },
      ]),
    ),
  } as unknown as DefinedService<M> & ServiceManifest;
  for (const [name, fn] of Object.entries(manifest.functions)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`${manifest.name}: function name "${name}" must be kebab-case`);
    for (const table of Object.keys(fn.permissions.tables ?? {})) {
      if (!(table in manifest.tables)) {
        throw new Error(`${manifest.name}/${name} names table "${table}", which the service does not declare`);
      }
    }
  }
  return manifest;
}

/** What the functions of a manifest declare under `permissions[K]`: the listed references, or the keys of a record. */
type Declared<M extends ServiceManifestInput, K extends keyof Permissions> = {
  [F in keyof M['functions']]: M['functions'][F]['permissions'] extends { readonly [P in K]: infer V }
    ? V extends readonly (infer R extends string)[]
      ? R
      : keyof V & string
    : never;
}[keyof M['functions']];

/**
 * The functions a service's manifest lets its functions invoke and wait for, as literal
 * `service/function` references. An adapter that types its invoker with it cannot call a function
 * the manifest does not grant (IAM would refuse it on AWS): the mistake fails the type check.
 */
export type InvokesOf<M extends ServiceManifestInput> = Declared<M, 'invokes'>;
/** The functions a service's manifest lets its functions invoke without waiting (`InvocationType: Event`). */
export type InvokesAsyncOf<M extends ServiceManifestInput> = Declared<M, 'invokesAsync'>;
/** The queues a service's manifest lets its functions send to, as `service/queue`. */
export type SendsToOf<M extends ServiceManifestInput> = Declared<M, 'sendsTo'>;
/** The state machines a service's manifest lets its functions start or report to, as `service/stateMachine`. */
export type StateMachinesOf<M extends ServiceManifestInput> = Declared<M, 'stateMachines'>;

/** The HTTP route that triggers a function; a function behind the API has exactly one. */
export function httpRoute<M extends ServiceManifest, F extends keyof M['functions'] & string>(
  manifest: M,
  functionName: F,
): Extract<M['functions'][F]['triggers'][number], HttpTrigger> {
  const fn = manifest.functions[functionName];
  const routes = fn?.triggers.filter((t): t is HttpTrigger => t.type === 'http') ?? [];
  if (routes.length !== 1) throw new Error(`${manifest.name}/${functionName} has ${routes.length} HTTP routes, expected 1`);
  return routes[0] as Extract<M['functions'][F]['triggers'][number], HttpTrigger>;
}
