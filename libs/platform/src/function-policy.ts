import { eventBusName, LIVE_ALIAS, parseRef, physicalName } from './conventions';
import { type FunctionDef, type ServiceManifest, type StateMachineAction, type TableAccess, tableGrant } from './manifest';
import { UnknownReferenceError } from './unknown-reference-error';

/**
 * The least-privilege IAM policy of one function: exactly what its manifest entry names
 * (tables, user pool, invokes, queues, state machines, events it publishes, messages it
 * sends, the queue or stream it consumes, where its failures go) plus writing its own logs.
 * Pure: the same manifests and context always give the same document, so a Terraform plan
 * only changes when a manifest does. Infra attaches it to the function's role; the local cloud
 * holds every call a function makes to it (tools/local-cloud/src/iam/local-iam.ts).
 */

export interface PolicyContext {
  stage: string;
  region: string;
  accountId: string;
  /**
   * ARN of the platform's user pool. The pool id exists only once Terraform created the
   * pool, so infra passes a placeholder (`${userPoolArn}`) that the template fills in.
   */
  userPoolArn: string;
  /**
   * ARN of the SES identity e-mail is sent from (`arn:aws:ses:<region>:<account>:identity/<domain or address>`),
   * for functions that send `email` messages.
   */
  emailIdentityArn: string;
  /** EMAIL_FROM, the address e-mail is sent from: the only one a function may send as, to any recipient. */
  emailFrom: string;
  /** Every service's manifest: foreign tables, invoked functions, queues and state machines are looked up there. */
  services: readonly ServiceManifest[];
}

/** IAM condition operators, each mapping condition keys to the values they accept. */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: PolicyCondition;
}

/**
 * The only actions granted on Resource `"*"`, each because AWS accepts nothing narrower for it.
 * Anything else on `"*"` is a mistake; the tests hold every policy to this list.
 */
export const WILDCARD_RESOURCE_ACTIONS: Readonly<Record<string, string>> = {
  'states:SendTaskSuccess': 'a task token has no resource type; the token, held only by the waiting execution, is what limits it',
  'states:SendTaskFailure': 'a task token has no resource type; the token, held only by the waiting execution, is what limits it',
  'sns:Publish':
    'an SMS goes to a phone number, which has no ARN: publishing to one is only allowed on "*"; SMS_ONLY denies every ARN (topics, ' +
    'platform endpoints), so what is left is phone numbers',
};

/**
 * Goes with `sns:Publish` on `"*"` for an SMS sender: IAM has no condition key for "a phone
 * number" (sns:Protocol and sns:Endpoint apply to Subscribe only), so the grant is every Publish
 * and this takes back every Publish to something with an ARN: any topic or mobile endpoint, in
 * any account. An explicit deny wins over every allow, wherever that allow comes from.
 */
export const SMS_ONLY: PolicyStatement = {
  Sid: 'SmsOnlyNoTopics',
  Effect: 'Deny',
  Action: ['sns:Publish'],
  Resource: ['arn:aws:sns:*:*:*'],
};

/** The SES configuration set every e-mail of the stage is sent through (the platform makes it): `shop-dev-email`. */
export function emailConfigurationSetName(stage: string): string {
  return `shop-${stage}-email`;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const QUEUE_CONSUMER = ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes', 'ChangeMessageVisibility'];
/** What Lambda's event source mapping needs to read a DynamoDB stream. */
const STREAM_CONSUMER = ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'];

export function functionPolicy(manifest: ServiceManifest, functionName: string, ctx: PolicyContext): PolicyDocument {
  const fn = manifest.functions[functionName];
  if (!fn) throw new UnknownReferenceError(manifest.name, 'function', `${manifest.name}/${functionName}`);
  const self = `${manifest.name}/${functionName}`;
  const arn = arns(ctx);
  const lookup = serviceLookup(manifest, ctx.services, self);
  const grants = new Grants();

  grants.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [arn.logGroup(manifest.name, functionName)]);

  const tables: [string, string, TableAccess][] = [
    ...Object.entries(fn.permissions.tables ?? {}).map(([table, access]): [string, string, TableAccess] => [manifest.name, table, access]),
    ...Object.entries(fn.permissions.foreignTables ?? {}).map(([ref, access]): [string, string, TableAccess] => {
      const { service, name } = parseRef(ref);
      return [service, name, access];
    }),
  ];
  for (const [owner, table, access] of tables) {
    const def = lookup(owner, 'table', table, (m) => m.tables[table]);
    const tableArn = arn.table(owner, table);
    const { actions, indexes, attributes } = tableGrant(access);
    const condition = attributes && onlyAttributes(attributes);
    // Exactly the actions the manifest names (a test holds them to what the bundle calls), on the
    // table, and on an index only what reads it, only for the indexes named.
    grants.allow(prefixed('dynamodb', actions), [tableArn], condition);
    for (const [index, indexActions] of Object.entries(indexes)) {
      if (!def.globalSecondaryIndexes?.some((i) => i.name === index)) throw new UnknownReferenceError(self, 'index', `${owner}/${table}/${index}`);
      grants.allow(prefixed('dynamodb', indexActions), [`${tableArn}/index/${index}`], condition);
    }
  }

  if (fn.permissions.userPool?.length) grants.allow(prefixed('cognito-idp', fn.permissions.userPool), [ctx.userPoolArn]);

  // Lambda has no separate action for an `Event` invoke: both kinds are InvokeFunction. Callers
  // invoke the `live` alias (infra puts `<name>:live` in their environment), and only it.
  for (const ref of [...(fn.permissions.invokes ?? []), ...(fn.permissions.invokesAsync ?? [])]) {
    const { service, name } = parseRef(ref);
    lookup(service, 'function', name, (m) => m.functions[name]);
    grants.allow(['lambda:InvokeFunction'], [arn.functionAlias(service, name)]);
  }

  const { publishes } = fn.permissions;
  if (publishes) {
    // Only its own source and detail types: a function cannot pass its events off as another service's.
    grants.allow(['events:PutEvents'], [arn.eventBus()], {
      StringEquals: { 'events:source': publishes.source },
      'ForAllValues:StringEquals': { 'events:detail-type': [...new Set(publishes.detailTypes)].sort() },
    });
  }

  const denies: PolicyStatement[] = [];
  for (const channel of fn.permissions.messages ?? []) {
    // SES authorizes a send against the identity and the configuration set it goes through
    // (the identity's default set, which the platform configures). In the SES sandbox, where every
    // new account starts, it also authorizes it against each recipient, which must be a verified
    // identity of the account: any identity, but only from the shop's own address.
    if (channel === 'email') {
      grants.allow(['ses:SendEmail'], [ctx.emailIdentityArn, arn.emailConfigurationSet()]);
      grants.allow(['ses:SendEmail'], [arn.emailIdentity('*')], { StringEquals: { 'ses:FromAddress': ctx.emailFrom } });
    }
    // See WILDCARD_RESOURCE_ACTIONS and SMS_ONLY: a phone number is no resource.
    if (channel === 'sms') {
      grants.allow(['sns:Publish'], ['*']);
      denies.push(SMS_ONLY);
    }
  }

  for (const ref of fn.permissions.sendsTo ?? []) {
    const { service, name } = parseRef(ref);
    lookup(service, 'queue', name, (m) => m.queues?.[name]);
    grants.allow(['sqs:SendMessage'], [arn.queue(service, name)]);
  }

  for (const [ref, actions] of Object.entries(fn.permissions.stateMachines ?? {})) {
    const { service, name } = parseRef(ref);
    lookup(service, 'state machine', name, (m) => m.stateMachines?.[name]);
    for (const action of actions) grants.allow([`states:${action}`], [stateMachineResource(arn, service, name, action)]);
  }

  const failuresTo = (ref: string) => {
    const { service, name } = parseRef(ref);
    lookup(service, 'dead-letter queue', name, (m) => m.deadLetterQueues?.[name]);
    grants.allow(['sqs:SendMessage'], [arn.queue(service, name)]);
  };

  for (const trigger of fn.triggers) {
    if (trigger.type === 'queue') {
      const { service, name } = parseRef(trigger.queue);
      lookup(service, 'queue', name, (m) => m.queues?.[name]);
      grants.allow(prefixed('sqs', QUEUE_CONSUMER), [arn.queue(service, name)]);
    }
    if (trigger.type === 'table-stream') {
      const { service, name } = parseRef(trigger.table);
      lookup(service, 'table', name, (m) => m.tables[name]);
      grants.allow(prefixed('dynamodb', STREAM_CONSUMER), [arn.tableStreams(service, name)]);
      // The mapping sends where a failing batch lies in the stream with the function's role.
      failuresTo(trigger.onFailure);
    }
  }

  // Lambda sends a failed asynchronous invocation to its destination with the function's role.
  if (fn.asyncInvoke) failuresTo(fn.asyncInvoke.onFailure);

  return { Version: '2012-10-17', Statement: [...grants.statements(), ...denies] };
}

/**
 * AWS's fine-grained access control for a grant limited to some attributes: every attribute the
 * request names (keys, projections, update and condition expressions) must be in the list; a query
 * or scan must ask for specific attributes (`Select`), so that an index projection cannot hand back
 * others; and a write may return only what it updated (`ReturnValues`), not the whole item.
 * The `IfExists` form lets through requests that have no such parameter (GetItem has no Select).
 */
function onlyAttributes(attributes: readonly string[]): PolicyCondition {
  return {
    'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...new Set(attributes)].sort() },
    StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES', 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
  };
}

function stateMachineResource(arn: Arns, service: string, machine: string, action: StateMachineAction): string {
  switch (action) {
    case 'StartExecution':
      return arn.stateMachine(service, machine);
    case 'DescribeExecution':
      return arn.executions(service, machine);
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
      // See WILDCARD_RESOURCE_ACTIONS: AWS has no resource type for a task token.
      return '*';
  }
}

type Arns = ReturnType<typeof arns>;

function arns({ stage, region, accountId }: PolicyContext) {
  const name = (service: string, resource: string) => physicalName(stage, service, resource);
  const table = (service: string, table: string) => `arn:aws:dynamodb:${region}:${accountId}:table/${name(service, table)}`;
  return {
    table,
    // A table's stream ARN ends in its creation time (`/stream/2025-01-01T00:00:00.000`), known only once it exists.
    tableStreams: (service: string, t: string) => `${table(service, t)}/stream/*`,
    eventBus: () => `arn:aws:events:${region}:${accountId}:event-bus/${eventBusName(stage)}`,
    emailConfigurationSet: () => `arn:aws:ses:${region}:${accountId}:configuration-set/${emailConfigurationSetName(stage)}`,
    emailIdentity: (identity: string) => `arn:aws:ses:${region}:${accountId}:identity/${identity}`,
    functionAlias: (service: string, fn: string) => `arn:aws:lambda:${region}:${accountId}:function:${name(service, fn)}:${LIVE_ALIAS}`,
    queue: (service: string, queue: string) => `arn:aws:sqs:${region}:${accountId}:${name(service, queue)}`,
    stateMachine: (service: string, machine: string) =>
      `arn:aws:states:${region}:${accountId}:stateMachine:${name(service, machine)}`,
    executions: (service: string, machine: string) =>
      `arn:aws:states:${region}:${accountId}:execution:${name(service, machine)}:*`,
    // Log streams live under the group as `<group>:log-stream:<name>`, hence the trailing `:*`.
    logGroup: (service: string, fn: string) =>
      `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/${name(service, fn)}:*`,
  };
}

/** Finds what a reference names in its owner's manifest, or fails naming the function that holds the reference. */
function serviceLookup(manifest: ServiceManifest, services: readonly ServiceManifest[], self: string) {
  return <T>(
    owner: string,
    kind: UnknownReferenceError['kind'],
    name: string,
    pick: (m: ServiceManifest) => T | undefined,
  ): T => {
    const service = owner === manifest.name ? manifest : services.find((s) => s.name === owner);
    const found = service && pick(service);
    if (!found) throw new UnknownReferenceError(self, kind, `${owner}/${name}`);
    return found;
  };
}

function prefixed(servicePrefix: string, actions: readonly string[]): string[] {
  return actions.map((action) => `${servicePrefix}:${action}`);
}

/**
 * Collects (action, resource, condition) grants and turns them into statements: resources
 * allowed the same set of actions under the same condition share a statement, so no grant
 * appears twice and the order is stable.
 */
class Grants {
  private readonly byResource = new Map<string, { resource: string; condition?: PolicyCondition; actions: Set<string> }>();

  allow(actions: readonly string[], resources: readonly string[], condition?: PolicyCondition): void {
    if (actions.length === 0) return;
    for (const resource of resources) {
      const key = `${resource}\n${condition ? JSON.stringify(condition) : ''}`;
      const grant = this.byResource.get(key) ?? { resource, ...(condition && { condition }), actions: new Set<string>() };
      for (const action of actions) grant.actions.add(action);
      this.byResource.set(key, grant);
    }
  }

  statements(): PolicyStatement[] {
    const groups = new Map<string, { actions: string[]; resources: string[]; condition?: PolicyCondition }>();
    for (const { resource, condition, actions: actionSet } of this.byResource.values()) {
      const actions = [...actionSet].sort();
      const key = `${actions.join(',')}\n${condition ? JSON.stringify(condition) : ''}`;
      const group = groups.get(key) ?? { actions, resources: [], ...(condition && { condition }) };
      group.resources.push(resource);
      groups.set(key, group);
    }
    const sorted = [...groups.values()]
      .map((g) => ({ ...g, resources: g.resources.sort() }))
      .sort(
        (a, b) =>
          compare(a.actions.join(','), b.actions.join(',')) ||
          compare(a.resources.join(','), b.resources.join(',')) ||
          compare(JSON.stringify(a.condition ?? {}), JSON.stringify(b.condition ?? {})),
      );

    const counts = new Map<string, number>();
    return sorted.map(({ actions, resources, condition }) => {
      const prefix = sidPrefix(actions[0] ?? '');
      const n = (counts.get(prefix) ?? 0) + 1;
      counts.set(prefix, n);
      return { Sid: `${prefix}${n}`, Effect: 'Allow', Action: actions, Resource: resources, ...(condition && { Condition: condition }) };
    });
  }
}

/** `cognito-idp:SignUp` → `CognitoIdp`: a Sid may hold letters and digits only. */
function sidPrefix(action: string): string {
  const service = action.split(':')[0] ?? '';
  return service
    .split(/[^a-zA-Z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// The payment provider's secrets, read by the functions at run time (issue 13, item 5). Kept apart
// from functionPolicy: the environment holds only the parameters' names, so this is the one grant
// that reaches the values.

/** Where the payment provider's secrets live, for `paymentSecretStatements`. */
export interface PaymentSecretsContext {
  region: string;
  accountId: string;
  /** The names of the two SecureString parameters (`/shop/<stage>/payment-provider/api-key` and the webhook secret's). */
  parameterNames: readonly string[];
  /** ARN of the KMS key that encrypts them (the platform's `/shop/<stage>/payment-provider/secrets-key-arn`). */
  keyArn: string;
}

/**
 * For a function that `uses: ['paymentProvider']`: `ssm:GetParameter` on exactly the two
 * SecureString parameters, and `kms:Decrypt` on their key only when SSM asks on its behalf
 * (`kms:ViaService`), so the grant cannot decrypt anything else encrypted with that key. Nothing
 * for any other function.
 */
export function paymentSecretStatements(fn: FunctionDef, ctx: PaymentSecretsContext): PolicyStatement[] {
  if (!fn.uses?.includes('paymentProvider')) return [];
  const parameterArn = (name: string) => `arn:aws:ssm:${ctx.region}:${ctx.accountId}:parameter${name}`;
  return [
    { Sid: 'PaymentSecretsRead', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: ctx.parameterNames.map(parameterArn) },
    {
      Sid: 'PaymentSecretsDecrypt',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [ctx.keyArn],
      Condition: { StringEquals: { 'kms:ViaService': `ssm.${ctx.region}.amazonaws.com` } },
    },
  ];
}
