import { LAYERS, parseRef, type ServiceManifest, type Trigger } from '@shop/platform';
import type { MessagePattern } from '@shop/local-cloud';
import { httpRoutes } from './openapi';

/** How a line is drawn: solid for synchronous calls, dashed for asynchronous ones, dotted for events and messages. */
export type EdgeStyle = 'sync' | 'async' | 'event';

export type NodeKind =
  | 'client'
  | 'api'
  | 'bus'
  | 'scheduler'
  | 'layer'
  | 'queue'
  | 'dead-letter-queue'
  | 'topic'
  | 'table'
  | 'state-machine'
  | 'function';

export interface GraphNode {
  /** Letters, digits and `_`: `fn_order_service__create_order`. */
  id: string;
  kind: NodeKind;
  /** One entry per line of the label. */
  label: string[];
  /** The box it is drawn in: a service, or the layers. */
  group?: string;
  /** `service/name` of a function, queue, topic, table or state machine. */
  ref?: string;
}

export interface GraphGroup {
  id: string;
  label: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
  style: EdgeStyle;
  /**
   * For a line into a function: what carries a message along it, as the local cloud's trace names
   * it (`GET /_local/trace`), so that a live view can light the line an invocation took.
   */
  pattern?: MessagePattern;
}

/** The services, their functions and every way they talk: one model, drawn as Mermaid and as SVG. */
export interface ArchitectureGraph {
  groups: GraphGroup[];
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * Builds the graph from the manifests alone: the HTTP API, invokes of both kinds, queues, the
 * state machine, the event bus and its rules, topics, table streams, schedules, dead-letter
 * queues and the layers. Nodes and groups come in a fixed order, so the same manifests always
 * give the same graph.
 */
export function architectureGraph(manifests: readonly ServiceManifest[]): ArchitectureGraph {
  const services = [...manifests].sort((a, b) => compare(a.name, b.name));
  const streamed = streamedTables(services);
  const groups: GraphGroup[] = [{ id: 'layers', label: 'Lambda layers' }];
  const nodes: GraphNode[] = [
    { id: 'client', kind: 'client', label: ['web / mobile / admin'] },
    { id: 'api', kind: 'api', label: ['HTTP API', 'JWT authorizer'] },
    { id: 'bus', kind: 'bus', label: ['EventBridge', 'shop event bus'] },
    { id: 'scheduler', kind: 'scheduler', label: ['EventBridge Scheduler'] },
    ...(Object.entries(LAYERS) as [string, { package: string }][]).map(
      ([name, layer]): GraphNode => ({ id: nodeId('layer', name), kind: 'layer', label: [name, layer.package], group: 'layers', ref: name }),
    ),
  ];

  for (const service of services) {
    const group = nodeId('svc', service.name);
    groups.push({ id: group, label: service.name });
    const add = (kind: NodeKind, prefix: string, name: string, label: string[]) =>
      nodes.push({ id: nodeId(prefix, `${service.name}/${name}`), kind, label, group, ref: `${service.name}/${name}` });
    for (const name of sortedKeys(service.queues)) {
      add('queue', 'q', name, [name]);
      add('dead-letter-queue', 'q', `${name}-dlq`, [`${name}-dlq`]);
    }
    for (const name of sortedKeys(service.deadLetterQueues)) add('dead-letter-queue', 'q', name, [name, 'dead-letter queue']);
    for (const name of sortedKeys(service.topics)) add('topic', 'topic', name, [name, 'SNS topic']);
    for (const name of sortedKeys(service.tables).filter((t) => streamed.has(`${service.name}/${t}`))) add('table', 'table', name, [name, 'table stream']);
    for (const name of sortedKeys(service.stateMachines)) add('state-machine', 'sm', name, [name, 'state machine']);
    for (const name of sortedKeys(service.functions)) {
      parseRef(`${service.name}/${name}`);
      add('function', 'fn', name, [name]);
    }
  }

  const edges: GraphEdge[] = [];
  const draw = (style: EdgeStyle) => (from: string, label: string, to: string, pattern?: MessagePattern) =>
    edges.push({ from, to, label, style, ...(pattern ? { pattern } : {}) });
  const sync = draw('sync');
  const async = draw('async');
  const event = draw('event');

  sync('client', 'HTTPS + JWT', 'api');
  for (const route of httpRoutes(services)) {
    sync('api', `${route.trigger.method} ${route.trigger.path}`, fn(`${route.service}/${route.functionName}`), 'api-gateway');
  }
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
      for (const target of [...(permissions.invokes ?? [])].sort()) sync(self, 'invoke', fn(target), 'sync-invoke');
      for (const target of [...(permissions.invokesAsync ?? [])].sort()) async(self, 'invoke (Event)', fn(target), 'async-invoke');
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
  return { groups, nodes, edges };
}

type Draw = (from: string, label: string, to: string, pattern?: MessagePattern) => void;

function drawTrigger(trigger: Trigger, self: string, draw: Record<EdgeStyle, Draw>): void {
  switch (trigger.type) {
    case 'queue':
      return draw.event(nodeId('q', trigger.queue), `SQS, batches of ${trigger.batchSize}`, self, 'sqs');
    case 'state-machine-task':
      return draw.sync(nodeId('sm', trigger.stateMachine), trigger.states.join(', '), self, 'step-functions');
    case 'event-rule':
      return draw.event('bus', `rule ${trigger.rule}: ${describePattern(trigger.pattern)}`, self, 'eventbridge');
    case 'topic':
      return draw.event(nodeId('topic', trigger.topic), 'SNS', self, 'sns');
    case 'table-stream':
      draw.event(nodeId('table', trigger.table), `stream, batches of ${trigger.batchSize}`, self, 'dynamodb-stream');
      return draw.async(self, `stream batch that kept failing`, nodeId('q', trigger.onFailure));
    case 'schedule':
      return draw.event('scheduler', `${trigger.schedule}: ${trigger.expression}`, self, 'schedule');
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

/** Ids are kept to letters, digits and `_`: `order-service/create-order` → `fn_order_service__create_order`. */
export function nodeId(kind: string, ref: string): string {
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

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
