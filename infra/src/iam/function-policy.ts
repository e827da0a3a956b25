import { parseRef, physicalName } from '@shop/common';
import type { ServiceManifest, StateMachineAction, TableAccess } from '@shop/common';
import { UnknownReferenceError } from './errors';

/**
 * The least-privilege IAM policy of one function: exactly what its manifest entry names
 * (tables, user pool, invokes, queues, state machines, the queue it consumes) plus writing
 * its own logs. Pure: the same manifests and context always give the same document, so a
 * Terraform plan only changes when a manifest does.
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
  /** Every service's manifest: foreign tables, invoked functions, queues and state machines are looked up there. */
  services: readonly ServiceManifest[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const TABLE_READ = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'ConditionCheckItem'];
const TABLE_WRITE = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'];
/** Only these read actions apply to an index; GetItem and friends on `/index/*` would grant nothing usable. */
const INDEX_READ = ['Query', 'Scan'];
const QUEUE_CONSUMER = ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes', 'ChangeMessageVisibility'];

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
    const reads = access !== 'write';
    const writes = access !== 'read';
    if (reads) grants.allow(prefixed('dynamodb', TABLE_READ), [tableArn]);
    if (writes) grants.allow(prefixed('dynamodb', TABLE_WRITE), [tableArn]);
    if (reads && (def.globalSecondaryIndexes?.length ?? 0) > 0) {
      grants.allow(prefixed('dynamodb', INDEX_READ), [`${tableArn}/index/*`]);
    }
  }

  if (fn.permissions.userPool?.length) grants.allow(prefixed('cognito-idp', fn.permissions.userPool), [ctx.userPoolArn]);

  for (const ref of fn.permissions.invokes ?? []) {
    const { service, name } = parseRef(ref);
    lookup(service, 'function', name, (m) => m.functions[name]);
    grants.allow(['lambda:InvokeFunction'], [arn.function(service, name)]);
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

  for (const trigger of fn.triggers) {
    if (trigger.type !== 'queue') continue;
    const { service, name } = parseRef(trigger.queue);
    lookup(service, 'queue', name, (m) => m.queues?.[name]);
    grants.allow(prefixed('sqs', QUEUE_CONSUMER), [arn.queue(service, name)]);
  }

  return { Version: '2012-10-17', Statement: grants.statements() };
}

function stateMachineResource(arn: Arns, service: string, machine: string, action: StateMachineAction): string {
  switch (action) {
    case 'StartExecution':
      return arn.stateMachine(service, machine);
    case 'DescribeExecution':
      return arn.executions(service, machine);
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
      // AWS has no resource type for a task token: these actions only accept Resource "*".
      // The token itself, held only by the waiting execution, is what limits them.
      return '*';
  }
}

type Arns = ReturnType<typeof arns>;

function arns({ stage, region, accountId }: PolicyContext) {
  const name = (service: string, resource: string) => physicalName(stage, service, resource);
  return {
    table: (service: string, table: string) => `arn:aws:dynamodb:${region}:${accountId}:table/${name(service, table)}`,
    function: (service: string, fn: string) => `arn:aws:lambda:${region}:${accountId}:function:${name(service, fn)}`,
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
 * Collects (action, resource) pairs and turns them into statements: resources allowed the
 * same set of actions share a statement, so no pair appears twice and the order is stable.
 */
class Grants {
  private readonly byResource = new Map<string, Set<string>>();

  allow(actions: readonly string[], resources: readonly string[]): void {
    for (const resource of resources) {
      const set = this.byResource.get(resource) ?? new Set<string>();
      for (const action of actions) set.add(action);
      this.byResource.set(resource, set);
    }
  }

  statements(): PolicyStatement[] {
    const byActions = new Map<string, { actions: string[]; resources: string[] }>();
    for (const [resource, actionSet] of this.byResource) {
      const actions = [...actionSet].sort();
      const key = actions.join(',');
      const group = byActions.get(key) ?? { actions, resources: [] };
      group.resources.push(resource);
      byActions.set(key, group);
    }
    const groups = [...byActions.values()]
      .map((g) => ({ actions: g.actions, resources: g.resources.sort() }))
      .sort((a, b) => compare(a.actions.join(','), b.actions.join(',')) || compare(a.resources.join(','), b.resources.join(',')));

    const counts = new Map<string, number>();
    return groups.map(({ actions, resources }) => {
      const prefix = sidPrefix(actions[0] ?? '');
      const n = (counts.get(prefix) ?? 0) + 1;
      counts.set(prefix, n);
      return { Sid: `${prefix}${n}`, Effect: 'Allow', Action: actions, Resource: resources };
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
