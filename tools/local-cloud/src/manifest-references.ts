import type { ServiceManifest } from '@shop/platform';
import type { ManifestStateMachine } from './step-functions/manifest-state-machines';

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
