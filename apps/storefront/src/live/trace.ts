import type graphJson from '../generated/architecture-graph.json';

/** The laid-out architecture graph that `npm run docs` writes (tools/docs-gen). */
export type ArchitectureGraph = typeof graphJson;
export type GraphNode = ArchitectureGraph['nodes'][number];
export type GraphEdge = ArchitectureGraph['edges'][number];

/** What carried a message to a function, as the local cloud's trace names it (tools/local-cloud/src/trace.ts). */
export type MessagePattern =
  | 'api-gateway'
  | 'sync-invoke'
  | 'async-invoke'
  | 'eventbridge'
  | 'sns'
  | 'sqs'
  | 'step-functions'
  | 'dynamodb-stream'
  | 'schedule';

/** One invocation of `GET /_local/trace?correlationId=`. */
export interface Invocation {
  at: string;
  service: string;
  function: string;
  requestId: string;
  pattern: MessagePattern;
  via: string;
  ok: boolean;
  coldStart: boolean;
  durationMs: number;
  error?: string;
  layers: string[];
}

/** The seven ways the shop's Lambdas talk, and what stands for each in the trace (as tools/demo says them). */
export const SEVEN_PATTERNS = [
  { name: 'API Gateway proxy', carries: ['api-gateway'] },
  { name: 'Synchronous invoke', carries: ['sync-invoke'] },
  { name: 'Asynchronous invoke', carries: ['async-invoke'] },
  { name: 'Pub/sub: EventBridge and SNS', carries: ['eventbridge', 'sns'] },
  { name: 'Queue: SQS', carries: ['sqs'] },
  { name: 'Orchestration: Step Functions', carries: ['step-functions'] },
  { name: 'Shared Lambda layers', carries: [] },
] as const satisfies readonly { name: string; carries: readonly MessagePattern[] }[];

export function patternsSeen(invocations: readonly Invocation[]): { name: string; seen: boolean }[] {
  const carriers = new Set(invocations.map((i) => i.pattern));
  return SEVEN_PATTERNS.map((p) => ({
    name: p.name,
    seen: p.carries.length === 0 ? invocations.some((i) => i.layers.length > 0) : p.carries.some((c) => carriers.has(c)),
  }));
}

/** The state machine's steps, in the order the trace saw them. */
export function stateMachinePath(invocations: readonly Invocation[]): string[] {
  const path: string[] = [];
  for (const i of invocations) if (i.pattern === 'step-functions' && path.at(-1) !== i.via) path.push(i.via);
  return path;
}

/**
 * Which lines and boxes of the diagram the invocations lit. A line into a function is lit when
 * the function was invoked by that line's pattern (and, for a call from another function, when
 * the caller ran too). A line into a queue, the bus, a topic or the state machine is lit when its
 * source ran and a line out of its target is lit: the webhook's message to the queue that fed
 * update-order-status, the events put on the bus that a rule delivered.
 */
export function litBy(graph: ArchitectureGraph, invocations: readonly Invocation[]): { edges: Set<string>; nodes: Set<string> } {
  const nodeOf = new Map(graph.nodes.filter((n) => n.ref).map((n) => [`${n.kind}:${n.ref}`, n.id]));
  const ran = new Map<string, Set<string>>(); // function node id → patterns that invoked it
  const layers = new Set<string>();
  for (const i of invocations) {
    const id = nodeOf.get(`function:${i.service}/${i.function}`);
    if (!id) continue;
    ran.set(id, (ran.get(id) ?? new Set()).add(i.pattern));
    for (const layer of i.layers) layers.add(layer);
  }
  const isFunction = (id: string) => id.startsWith('fn_');
  const edges = new Set<string>();
  for (const edge of graph.edges) {
    const pattern = (edge as { pattern?: string }).pattern;
    if (!pattern || !ran.get(edge.to)?.has(pattern)) continue;
    if (isFunction(edge.from) && !ran.has(edge.from)) continue;
    edges.add(edge.id);
  }
  // Lines into the things between functions, back from what they delivered, until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const edge of graph.edges) {
      if (edges.has(edge.id) || isFunction(edge.to)) continue;
      const sourceActive = isFunction(edge.from) ? ran.has(edge.from) : edge.from === 'client' || graph.edges.some((e) => e.to === edge.from && edges.has(e.id));
      const delivered = graph.edges.some((e) => e.from === edge.to && edges.has(e.id));
      if ((sourceActive || edge.from === 'client') && delivered) {
        edges.add(edge.id);
        changed = true;
      }
    }
  }
  const nodes = new Set<string>(ran.keys());
  for (const edge of graph.edges) {
    if (edges.has(edge.id)) {
      nodes.add(edge.from);
      nodes.add(edge.to);
    }
  }
  for (const node of graph.nodes) if (node.kind === 'layer' && node.ref && layers.has(node.ref)) nodes.add(node.id);
  return { edges, nodes };
}
