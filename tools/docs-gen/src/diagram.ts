import { LAYERS, parseRef, type ServiceManifest, type Trigger } from '@shop/common';
import { httpRoutes } from './openapi';

/** What the line styles mean; written under the diagram too, since Mermaid comments do not render. */
export const DIAGRAM_LEGEND =
  'Solid lines are synchronous calls (the API, RequestResponse invokes, the state machine running its task functions); ' +
  'dashed lines are asynchronous calls (Event invokes, starting the state machine, task-token callbacks, failures sent to a dead-letter queue); ' +
  'dotted lines are events and messages (EventBridge rules, SNS, SQS, DynamoDB streams, schedules). ' +
  'Queues are drawn as parallelograms, topics as circles, tables with a stream as cylinders, the state machine as a hexagon. ' +
  'Every function loads its shared code from the Lambda layers, which function bundles leave out.';

type Style = 'sync' | 'async' | 'event';

/**
 * A Mermaid flowchart of the services, their functions and every way they talk, drawn from the
 * manifests alone: the HTTP API, invokes of both kinds, queues, the state machine, the event bus
 * and its rules, topics, table streams, schedules, dead-letter queues and the layers. Everything
 * is sorted, so the same manifests always give the same text.
 */
export function architectureMermaid(manifests: readonly ServiceManifest[]): string {
  const services = [...manifests].sort((a, b) => compare(a.name, b.name));
  const streamed = streamedTables(services);
  const lines = [
    'flowchart LR',
    `  %% ${DIAGRAM_LEGEND}`,
    '  client([web / mobile / admin])',
    '  api[[HTTP API<br/>JWT authorizer]]',
    '  bus{{EventBridge<br/>shop event bus}}',
    '  scheduler([EventBridge Scheduler])',
    '  subgraph layers[Lambda layers]',
    ...(Object.entries(LAYERS) as [string, { package: string }][]).map(([name, layer]) => `    ${nodeId('layer', name)}[${name}<br/>${layer.package}]`),
    '  end',
  ];

  for (const service of services) {
    lines.push(`  subgraph ${nodeId('svc', service.name)}[${service.name}]`);
    for (const name of sortedKeys(service.queues)) {
      lines.push(`    ${nodeId('q', `${service.name}/${name}`)}[/${name}/]`, `    ${nodeId('q', `${service.name}/${name}-dlq`)}[/${name}-dlq/]`);
    }
    for (const name of sortedKeys(service.deadLetterQueues)) lines.push(`    ${nodeId('q', `${service.name}/${name}`)}[/${name}<br/>dead-letter queue/]`);
    for (const name of sortedKeys(service.topics)) lines.push(`    ${nodeId('topic', `${service.name}/${name}`)}((${name}<br/>SNS topic))`);
    for (const name of sortedKeys(service.tables).filter((t) => streamed.has(`${service.name}/${t}`))) {
      lines.push(`    ${nodeId('table', `${service.name}/${name}`)}[(${name}<br/>table stream)]`);
    }
    for (const name of sortedKeys(service.stateMachines)) lines.push(`    ${nodeId('sm', `${service.name}/${name}`)}{{${name}<br/>state machine}}`);
    for (const name of sortedKeys(service.functions)) lines.push(`    ${fn(`${service.name}/${name}`)}[${name}]`);
    lines.push('  end');
  }

  const edges: Record<Style, string[]> = { sync: [], async: [], event: [] };
  const sync = (from: string, label: string, to: string) => edges.sync.push(`  ${from} -->|"${label}"| ${to}`);
  // Mermaid draws a dashed line as a plain one restyled with linkStyle (below).
  const async = (from: string, label: string, to: string) => edges.async.push(`  ${from} -->|"${label}"| ${to}`);
  const event = (from: string, label: string, to: string) => edges.event.push(`  ${from} -.->|"${label}"| ${to}`);

  sync('client', 'HTTPS + JWT', 'api');
  for (const route of httpRoutes(services)) sync('api', `${route.trigger.method} ${route.trigger.path}`, fn(`${route.service}/${route.functionName}`));
  for (const service of services) {
    for (const [name, queue] of sortedEntries(service.queues)) {
      event(nodeId('q', `${service.name}/${name}`), `after ${queue.maxReceiveCount} receives`, nodeId('q', `${service.name}/${name}-dlq`));
    }
    for (const [name, rules] of sortedEntries(service.topics)) {
      for (const [rule, { pattern }] of sortedEntries(rules.rules)) event('bus', `rule ${rule}: ${describePattern(pattern)}`, nodeId('topic', `${service.name}/${name}`));
    }
    for (const name of sortedKeys(service.functions)) {
      const self = fn(`${service.name}/${name}`);
      const { triggers, permissions, asyncInvoke } = service.functions[name]!;
      for (const target of [...(permissions.invokes ?? [])].sort()) sync(self, 'invoke', fn(target));
      for (const target of [...(permissions.invokesAsync ?? [])].sort()) async(self, 'invoke (Event)', fn(target));
      for (const queue of [...(permissions.sendsTo ?? [])].sort()) event(self, 'SendMessage', nodeId('q', queue));
      if (permissions.publishes) event(self, `PutEvents ${permissions.publishes.detailTypes.join(', ')}`, 'bus');
      for (const [machine, actions] of sortedEntries(permissions.stateMachines)) {
        if (actions.includes('StartExecution')) async(self, 'StartExecution', nodeId('sm', machine));
        const callbacks = actions.filter((a) => a === 'SendTaskSuccess' || a === 'SendTaskFailure');
        if (callbacks.length) async(self, callbacks.join(' / '), nodeId('sm', machine));
      }
      if (asyncInvoke) async(self, `on failure, after ${asyncInvoke.maximumRetryAttempts} retries`, nodeId('q', asyncInvoke.onFailure));
      for (const trigger of triggers) drawTrigger(trigger, self, { sync, async, event });
    }
  }

  const ordered = [...edges.sync.sort(), ...edges.async.sort(), ...edges.event.sort()];
  const dashed = edges.async.map((_, i) => edges.sync.length + i);
  return [
    ...lines,
    ...ordered,
    ...(dashed.length ? [`  linkStyle ${dashed.join(',')} stroke-dasharray: 6 4`] : []),
    '  classDef queue fill:#fff7e0,stroke:#b58900',
    '  classDef platform fill:#eef4ff,stroke:#3060c0',
    `  class ${['api', 'bus', 'scheduler', ...Object.keys(LAYERS).map((l) => nodeId('layer', l))].join(',')} platform`,
    ...queueNodes(services).map((ids) => `  class ${ids} queue`),
  ].join('\n');
}

function drawTrigger(
  trigger: Trigger,
  self: string,
  draw: Record<Style, (from: string, label: string, to: string) => void>,
): void {
  switch (trigger.type) {
    case 'queue':
      return draw.event(nodeId('q', trigger.queue), `SQS, batches of ${trigger.batchSize}`, self);
    case 'state-machine-task':
      return draw.sync(nodeId('sm', trigger.stateMachine), trigger.states.join(', '), self);
    case 'event-rule':
      return draw.event('bus', `rule ${trigger.rule}: ${describePattern(trigger.pattern)}`, self);
    case 'topic':
      return draw.event(nodeId('topic', trigger.topic), 'SNS', self);
    case 'table-stream':
      draw.event(nodeId('table', trigger.table), `stream, batches of ${trigger.batchSize}`, self);
      return draw.async(self, `stream batch that kept failing`, nodeId('q', trigger.onFailure));
    case 'schedule':
      return draw.event('scheduler', `${trigger.schedule}: ${trigger.expression}`, self);
    case 'http':
    case 'invoke':
      return; // drawn from the API's routes and from the callers' permissions
  }
}

/** A rule's pattern in a few words: `shop.orders OrderCreated, OrderPaid` or `shop.orders Order*`. */
function describePattern(pattern: object): string {
  const values = (field: string) =>
    ((pattern as Record<string, unknown>)[field] as unknown[] | undefined)?.map((v) =>
      typeof v === 'object' && v !== null && 'prefix' in v ? `${String((v as { prefix: unknown }).prefix)}*` : String(v),
    ) ?? [];
  return [values('source').join(', '), values('detail-type').join(', ')].filter(Boolean).join(' ');
}

/** The tables some function reads the stream of. */
function streamedTables(services: readonly ServiceManifest[]): Set<string> {
  return new Set(
    services.flatMap((s) => Object.values(s.functions).flatMap((f) => f.triggers.flatMap((t) => (t.type === 'table-stream' ? [t.table] : [])))),
  );
}

function queueNodes(services: readonly ServiceManifest[]): string[] {
  const ids = services.flatMap((s) =>
    [...sortedKeys(s.queues).flatMap((q) => [q, `${q}-dlq`]), ...sortedKeys(s.deadLetterQueues)].map((q) => nodeId('q', `${s.name}/${q}`)),
  );
  return ids.length ? [ids.join(',')] : [];
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
