import { parseRef, type ServiceManifest } from '@shop/common';
import { httpRoutes } from './openapi';

/** What the arrow styles mean; written under the diagram too, since Mermaid comments do not render. */
export const DIAGRAM_LEGEND =
  'Solid arrows are synchronous calls (the API, Lambda invokes, the state machine running its task functions); ' +
  'dotted arrows are asynchronous (SQS messages, starting the state machine, task-token callbacks).';

/**
 * A Mermaid flowchart of the services, their functions and how they are called: the HTTP API,
 * direct invokes, queues and state machines. Everything is sorted, so the same manifests
 * always give the same text.
 */
export function architectureMermaid(manifests: readonly ServiceManifest[]): string {
  const services = [...manifests].sort((a, b) => compare(a.name, b.name));
  const lines = ['flowchart LR', `  %% ${DIAGRAM_LEGEND}`, '  client([web / mobile / admin]) -->|HTTPS + JWT| api[[HTTP API<br/>JWT authorizer]]'];

  for (const service of services) {
    lines.push(`  subgraph ${nodeId('svc', service.name)}[${service.name}]`);
    for (const name of sortedKeys(service.queues)) lines.push(`    ${nodeId('q', `${service.name}/${name}`)}[/${name}/]`);
    for (const name of sortedKeys(service.stateMachines)) lines.push(`    ${nodeId('sm', `${service.name}/${name}`)}{{${name}}}`);
    for (const name of sortedKeys(service.functions)) lines.push(`    ${fn(`${service.name}/${name}`)}[${name}]`);
    lines.push('  end');
  }

  const solid: string[] = [];
  const dotted: string[] = [];
  for (const route of httpRoutes(services)) {
    solid.push(`  api -->|"${route.trigger.method} ${route.trigger.path}"| ${fn(`${route.service}/${route.functionName}`)}`);
  }
  for (const service of services) {
    for (const name of sortedKeys(service.functions)) {
      const self = fn(`${service.name}/${name}`);
      const { triggers, permissions } = service.functions[name]!;
      for (const target of [...(permissions.invokes ?? [])].sort()) solid.push(`  ${self} -->|invoke| ${fn(target)}`);
      for (const queue of [...(permissions.sendsTo ?? [])].sort()) dotted.push(`  ${self} -.->|SendMessage| ${nodeId('q', queue)}`);
      for (const [machine, actions] of sortedEntries(permissions.stateMachines)) {
        if (actions.includes('StartExecution')) dotted.push(`  ${self} -.->|StartExecution| ${nodeId('sm', machine)}`);
        const callbacks = actions.filter((a) => a === 'SendTaskSuccess' || a === 'SendTaskFailure');
        if (callbacks.length) dotted.push(`  ${self} -.->|${callbacks.join(' / ')}| ${nodeId('sm', machine)}`);
      }
      for (const trigger of triggers) {
        if (trigger.type === 'queue') dotted.push(`  ${nodeId('q', trigger.queue)} -.->|SQS| ${self}`);
        if (trigger.type === 'state-machine-task') solid.push(`  ${nodeId('sm', trigger.stateMachine)} -->|${trigger.states.join(', ')}| ${self}`);
      }
    }
  }
  return [...lines, ...solid.sort(), ...dotted.sort()].join('\n');
}

/** Mermaid ids are kept to letters, digits and `_`: `order-service/create-order` → `fn_order_service__create_order`. */
function nodeId(kind: string, ref: string): string {
  return `${kind}_${ref.replace(/\//g, '__').replace(/-/g, '_')}`;
}

function fn(ref: string): string {
  parseRef(ref); // fails loudly on a malformed reference rather than drawing a stray node
  return nodeId('fn', ref);
}

function sortedKeys(record: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.keys(record ?? {}).sort();
}

function sortedEntries<T>(record: Readonly<Record<string, T>> | undefined): [string, T][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => compare(a, b));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
