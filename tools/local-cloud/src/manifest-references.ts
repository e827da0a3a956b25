import { type FunctionDef, parseRef, type ServiceManifest } from '@shop/common';
import type { ManifestStateMachine } from './step-functions/manifest-state-machines';

/**
 * Checks that what the manifests name across services exists, before anything starts: a
 * trigger or a permission naming an unknown service, table, queue, state machine or function
 * is a mistake that would otherwise show as a missing environment variable at run time.
 * It also checks what AWS would refuse to create (an event source mapping whose queue hides
 * messages for less than the function may run).
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
    for (const [fnName, fn] of Object.entries(service.functions)) {
      const where = `${service.name}/${fnName}`;
      for (const trigger of fn.triggers) {
        if (trigger.type === 'queue') {
          const found = expect(where, trigger.queue, 'queue', (s) => s.queues);
          const queue = found && found.service.queues?.[found.name];
          if (queue) problems.push(...queueMappingProblems(where, trigger.queue, queue.visibilityTimeoutSeconds, fn, trigger));
        }
        if (trigger.type === 'state-machine-task') expect(where, trigger.stateMachine, 'state machine', (s) => s.stateMachines);
        if (trigger.type === 'invoke') for (const caller of trigger.callers) expect(where, caller, 'caller function', (s) => s.functions);
      }
      const { permissions } = fn;
      for (const table of Object.keys(permissions.foreignTables ?? {})) expect(where, table, 'table', (s) => s.tables);
      for (const target of permissions.invokes ?? []) expect(where, target, 'function', (s) => s.functions);
      for (const queue of permissions.sendsTo ?? []) expect(where, queue, 'queue', (s) => s.queues);
      for (const machine of Object.keys(permissions.stateMachines ?? {})) expect(where, machine, 'state machine', (s) => s.stateMachines);
    }
  }
  return problems;
}

function queueMappingProblems(
  where: string,
  queueRef: string,
  visibilityTimeoutSeconds: number,
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
  // Lambda refuses such a mapping: a message would reappear while the function still works on it.
  if (visibilityTimeoutSeconds < fn.timeoutSeconds) {
    problems.push(`${where}: ${queueRef} hides a message for ${visibilityTimeoutSeconds} s, less than the function's timeout of ${fn.timeoutSeconds} s`);
  }
  return problems;
}

/**
 * Problems between the state machine definitions and the functions' `state-machine-task`
 * triggers: each state a trigger names must be a Task of that machine running that function,
 * and each Task's function must say so (infra grants the machine its invoke from the trigger).
 */
export function taskStateProblems(services: readonly ServiceManifest[], machines: readonly ManifestStateMachine[]): string[] {
  const problems: string[] = [];
  const declared = new Set<string>();
  for (const service of services) {
    for (const [fnName, fn] of Object.entries(service.functions)) {
      const ref = `${service.name}/${fnName}`;
      for (const trigger of fn.triggers) {
        if (trigger.type !== 'state-machine-task') continue;
        const machine = machines.find((m) => m.ref === trigger.stateMachine);
        if (!machine) continue; // manifestProblems reports the unknown machine
        for (const state of trigger.states) {
          declared.add(`${machine.ref}#${state}`);
          const task = machine.prepared.tasks.get(state);
          if (!task) problems.push(`${ref}: ${machine.ref} has no Task state "${state}"`);
          else if (task.functionRef !== ref) {
            problems.push(`${ref}: state "${state}" of ${machine.ref} runs ${task.functionRef ?? 'another function'}, not ${ref}`);
          }
        }
      }
    }
  }
  for (const machine of machines) {
    for (const [state, task] of machine.prepared.tasks) {
      if (task.functionRef && !declared.has(`${machine.ref}#${state}`)) {
        problems.push(`${machine.ref}: state "${state}" runs ${task.functionRef}, whose manifest has no state-machine-task trigger for it`);
      }
    }
  }
  return problems;
}
