import { parseRef } from './conventions';
import { ASYNC_TRIGGER_TYPES, type FunctionDef, type ServiceManifest, TABLE_ACTIONS, type TableAccess, type TableDef, tableGrant } from './manifest';

/**
 * Checks that what the manifests name across services exists, before anything starts or
 * deploys: a trigger or a permission naming an unknown service, table, queue, topic, state
 * machine or function is a mistake that would otherwise show as a missing environment variable
 * at run time, or a Terraform plan that cannot apply. It also checks what AWS would refuse to
 * create (an event source mapping whose queue hides messages for less than the function may
 * run, a stream mapping on a table without a stream), and table grants IAM would take but that
 * would not do what they say. The local cloud and infra both run it.
 */

export class ManifestReferenceError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the service manifests do not fit together:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ManifestReferenceError';
  }
}

/** Lambda's limits on an SQS event source mapping. */
const MAX_BATCH_WITHOUT_WINDOW = 10;
const MAX_BATCH = 10_000;
const MAX_BATCHING_WINDOW_SECONDS = 300;
/** Lambda's limit on a stream mapping's retries (-1: until the record expires). */
const MAX_STREAM_RETRIES = 10_000;
/**
 * What AWS advises for a queue a function consumes: a visibility timeout of at least six times the
 * function's timeout (plus its batching window), so that retries of a throttled or failed batch do
 * not hand out a message that is still in work; and at least five receives before the dead-letter
 * queue, so that throttling alone does not send a good message there.
 */
export const ADVISED_VISIBILITY_FACTOR = 6;
export const ADVISED_MIN_RECEIVES = 5;

/** Rules and schedules become resources named `shop-<stage>-<service>-<name>`: one name, one resource. */
function duplicateNames(service: ServiceManifest): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  const claim = (kind: string, name: string, where: string) => {
    const key = `${kind}:${name}`;
    const first = seen.get(key);
    if (first) problems.push(`${where}: declares the ${kind} "${name}", which ${first} declares too`);
    else seen.set(key, where);
  };
  for (const [topic, def] of Object.entries(service.topics ?? {})) {
    for (const rule of Object.keys(def.rules ?? {})) claim('event rule', rule, `${service.name}/${topic}`);
  }
  for (const [fnName, fn] of Object.entries(service.functions)) {
    for (const trigger of fn.triggers) {
      if (trigger.type === 'event-rule') claim('event rule', trigger.rule, `${service.name}/${fnName}`);
      if (trigger.type === 'schedule') claim('schedule', trigger.schedule, `${service.name}/${fnName}`);
    }
  }
  return problems;
}

/** Whether some function names `ref` in its `invokesAsync`. */
function isInvokedAsync(services: readonly ServiceManifest[], ref: string): boolean {
  return services.some((s) => Object.values(s.functions).some((f) => f.permissions.invokesAsync?.includes(ref)));
}

/** Problems with references between manifests; empty when they all resolve. */
export function manifestProblems(services: readonly ServiceManifest[]): string[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const problems: string[] = [];

  /** The manifest and name a `service/name` reference points into, or a problem. */
  const lookup = (where: string, ref: string, kind: string): { service: ServiceManifest; name: string } | undefined => {
    let parsed: { service: string; name: string };
    try {
      parsed = parseRef(ref);
    } catch {
      problems.push(`${where}: "${ref}" is not a service/${kind} reference`);
      return undefined;
    }
    const service = byName.get(parsed.service);
    if (!service) problems.push(`${where}: names ${kind} ${ref}, but there is no service ${parsed.service}`);
    return service && { service, name: parsed.name };
  };
  const expect = (where: string, ref: string, kind: string, declared: (s: ServiceManifest) => object | undefined) => {
    const found = lookup(where, ref, kind);
    if (found && !(found.name in (declared(found.service) ?? {}))) {
      problems.push(`${where}: names ${kind} ${ref}, which ${found.service.name} does not declare`);
    }
    return found;
  };

  for (const service of services) {
    problems.push(...duplicateNames(service));
    for (const [fnName, fn] of Object.entries(service.functions)) {
      const where = `${service.name}/${fnName}`;
      for (const trigger of fn.triggers) {
        if (trigger.type === 'queue') {
          const found = expect(where, trigger.queue, 'queue', (s) => s.queues);
          const queue = found && found.service.queues?.[found.name];
          if (queue) problems.push(...queueMappingProblems(where, trigger.queue, queue, fn, trigger));
        }
        if (trigger.type === 'state-machine-task') expect(where, trigger.stateMachine, 'state machine', (s) => s.stateMachines);
        if (trigger.type === 'invoke') for (const caller of trigger.callers) expect(where, caller, 'caller function', (s) => s.functions);
        if (trigger.type === 'topic') expect(where, trigger.topic, 'topic', (s) => s.topics);
        if (trigger.type === 'table-stream') {
          const found = expect(where, trigger.table, 'table', (s) => s.tables);
          const table = found && found.service.tables[found.name];
          if (table && !table.stream) problems.push(`${where}: consumes the stream of ${trigger.table}, which declares no stream`);
          expect(where, trigger.onFailure, 'dead-letter queue', (s) => s.deadLetterQueues);
          if (!Number.isInteger(trigger.batchSize) || trigger.batchSize < 1 || trigger.batchSize > MAX_BATCH) {
            problems.push(`${where}: batchSize ${trigger.batchSize} for the stream of ${trigger.table} must be 1–${MAX_BATCH}`);
          }
          if (!Number.isInteger(trigger.maximumRetryAttempts) || trigger.maximumRetryAttempts < -1 || trigger.maximumRetryAttempts > MAX_STREAM_RETRIES) {
            problems.push(`${where}: maximumRetryAttempts ${trigger.maximumRetryAttempts} for the stream of ${trigger.table} must be -1–${MAX_STREAM_RETRIES}`);
          }
        }
      }
      const invokedAsync = fn.triggers.some((t) => (ASYNC_TRIGGER_TYPES as readonly string[]).includes(t.type)) || isInvokedAsync(services, where);
      if (fn.asyncInvoke) {
        expect(where, fn.asyncInvoke.onFailure, 'dead-letter queue', (s) => s.deadLetterQueues);
        if (!invokedAsync) problems.push(`${where}: has asyncInvoke settings, but nothing invokes it asynchronously`);
      } else if (invokedAsync) {
        problems.push(`${where}: is invoked asynchronously, so it needs asyncInvoke settings (retries and where failures go)`);
      }
      const { permissions } = fn;
      for (const [table, access] of Object.entries(permissions.tables ?? {})) {
        const def = service.tables[table];
        if (def) problems.push(...tableAccessProblems(where, `${service.name}/${table}`, def, access));
      }
      for (const [table, access] of Object.entries(permissions.foreignTables ?? {})) {
        const found = expect(where, table, 'table', (s) => s.tables);
        const def = found && found.service.tables[found.name];
        if (def) problems.push(...tableAccessProblems(where, table, def, access));
      }
      for (const target of permissions.invokes ?? []) expect(where, target, 'function', (s) => s.functions);
      for (const target of permissions.invokesAsync ?? []) expect(where, target, 'function', (s) => s.functions);
      for (const queue of permissions.sendsTo ?? []) expect(where, queue, 'queue', (s) => s.queues);
      for (const machine of Object.keys(permissions.stateMachines ?? {})) expect(where, machine, 'state machine', (s) => s.stateMachines);
    }
  }
  return problems;
}

function queueMappingProblems(
  where: string,
  queueRef: string,
  { visibilityTimeoutSeconds, maxReceiveCount }: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
  fn: FunctionDef,
  trigger: { batchSize: number; maxBatchingWindowSeconds?: number },
): string[] {
  const problems: string[] = [];
  const window = trigger.maxBatchingWindowSeconds ?? 0;
  const maxBatch = window > 0 ? MAX_BATCH : MAX_BATCH_WITHOUT_WINDOW;
  if (!Number.isInteger(trigger.batchSize) || trigger.batchSize < 1 || trigger.batchSize > maxBatch) {
    problems.push(`${where}: batchSize ${trigger.batchSize} for ${queueRef} must be 1–${maxBatch}${window > 0 ? '' : ' without a batching window'}`);
  }
  if (window < 0 || window > MAX_BATCHING_WINDOW_SECONDS) {
    problems.push(`${where}: maxBatchingWindowSeconds ${window} for ${queueRef} must be 0–${MAX_BATCHING_WINDOW_SECONDS}`);
  }
  const advised = ADVISED_VISIBILITY_FACTOR * fn.timeoutSeconds + window;
  if (visibilityTimeoutSeconds < advised) {
    problems.push(
      `${where}: ${queueRef} hides a message for ${visibilityTimeoutSeconds} s; AWS advises at least ${ADVISED_VISIBILITY_FACTOR} × the function's timeout of ${fn.timeoutSeconds} s${window > 0 ? ` plus its batching window of ${window} s` : ''} (${advised} s)`,
    );
  }
  if (maxReceiveCount < ADVISED_MIN_RECEIVES) {
    problems.push(`${where}: ${queueRef} moves a message to its dead-letter queue after ${maxReceiveCount} receive(s); AWS advises at least ${ADVISED_MIN_RECEIVES}`);
  }
  return problems;
}

const INDEX_ACTIONS: readonly string[] = ['Query', 'Scan'];

/**
 * What IAM would take but not mean: an action DynamoDB does not have (a typo grants nothing, and
 * the call it was for fails only once deployed), a grant of nothing, an index the table lacks,
 * an item action on an index, and an attribute limit that leaves out the table's keys (every item
 * request names them, so each would be refused).
 */
function tableAccessProblems(where: string, ref: string, table: TableDef, access: TableAccess): string[] {
  const problems: string[] = [];
  const { actions, indexes, attributes } = tableGrant(access);
  const known: readonly string[] = TABLE_ACTIONS;
  for (const action of actions) {
    if (!known.includes(action)) problems.push(`${where}: names "${action}" on ${ref}, which is no DynamoDB item action (${TABLE_ACTIONS.join(', ')})`);
  }
  if (new Set(actions).size !== actions.length) problems.push(`${where}: names an action twice on ${ref}`);
  const declared = new Set((table.globalSecondaryIndexes ?? []).map((i) => i.name));
  for (const [index, indexActions] of Object.entries(indexes)) {
    if (!declared.has(index)) problems.push(`${where}: queries index "${index}" of ${ref}, which declares no such index`);
    for (const action of indexActions) {
      if (!INDEX_ACTIONS.includes(action)) problems.push(`${where}: names "${action}" on index "${index}" of ${ref}; an index takes only Query and Scan`);
    }
    if (indexActions.length === 0) problems.push(`${where}: names index "${index}" of ${ref} with no action`);
  }
  if (actions.length === 0 && Object.keys(indexes).length === 0) problems.push(`${where}: names ${ref} but no action on it`);
  if (attributes) {
    for (const key of [table.partitionKey, table.sortKey]) {
      if (key && !attributes.includes(key.name)) problems.push(`${where}: limits ${ref} to attributes that leave out its key "${key.name}", which every request names`);
    }
  }
  return problems;
}
