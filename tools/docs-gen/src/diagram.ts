import type { ServiceManifest } from '@shop/platform';
import { architectureGraph, type ArchitectureGraph, type EdgeStyle, type GraphNode } from './architecture-graph';

/** What the line styles mean; written under the diagram too, since Mermaid comments do not render. */
export const DIAGRAM_LEGEND =
  'Solid lines are synchronous calls (the API, RequestResponse invokes, the state machine running its task functions); ' +
  'dashed lines are asynchronous calls (Event invokes, starting the state machine, task-token callbacks, failures sent to a dead-letter queue); ' +
  'dotted lines are events and messages (EventBridge rules, SNS, SQS, DynamoDB streams, schedules). ' +
  'Queues are drawn as parallelograms, topics as circles, tables with a stream as cylinders, the state machine as a hexagon. ' +
  'Every function loads its shared code from the Lambda layers, which function bundles leave out.';

/**
 * A Mermaid flowchart of the services, their functions and every way they talk (the graph of
 * `architectureGraph`). Everything is sorted, so the same manifests always give the same text.
 */
export function architectureMermaid(manifests: readonly ServiceManifest[]): string {
  return mermaid(architectureGraph(manifests));
}

function mermaid(graph: ArchitectureGraph): string {
  const lines = ['flowchart LR', `  %% ${DIAGRAM_LEGEND}`];
  for (const node of graph.nodes.filter((n) => !n.group)) lines.push(`  ${shape(node)}`);
  for (const group of graph.groups) {
    lines.push(`  subgraph ${group.id}[${group.label}]`);
    for (const node of graph.nodes.filter((n) => n.group === group.id)) lines.push(`    ${shape(node)}`);
    lines.push('  end');
  }

  // Mermaid draws a dashed line as a plain one restyled with linkStyle (below), and a dotted one with -.->.
  const edges: Record<EdgeStyle, string[]> = { sync: [], async: [], event: [] };
  for (const edge of graph.edges) {
    edges[edge.style].push(`  ${edge.from} ${edge.style === 'event' ? '-.->' : '-->'}|"${edge.label}"| ${edge.to}`);
  }
  const ordered = [...edges.sync.sort(), ...edges.async.sort(), ...edges.event.sort()];
  const dashed = edges.async.map((_, i) => edges.sync.length + i);
  const ids = (kinds: readonly GraphNode['kind'][]) => graph.nodes.filter((n) => kinds.includes(n.kind)).map((n) => n.id);
  const queues = ids(['queue', 'dead-letter-queue']);
  return [
    ...lines,
    ...ordered,
    ...(dashed.length ? [`  linkStyle ${dashed.join(',')} stroke-dasharray: 6 4`] : []),
    '  classDef queue fill:#fff7e0,stroke:#b58900',
    '  classDef platform fill:#eef4ff,stroke:#3060c0',
    `  class ${ids(['api', 'bus', 'scheduler', 'layer']).join(',')} platform`,
    ...(queues.length ? [`  class ${queues.join(',')} queue`] : []),
  ].join('\n');
}

const SHAPES: Record<GraphNode['kind'], [string, string]> = {
  client: ['([', '])'],
  api: ['[[', ']]'],
  bus: ['{{', '}}'],
  scheduler: ['([', '])'],
  layer: ['[', ']'],
  queue: ['[/', '/]'],
  'dead-letter-queue': ['[/', '/]'],
  topic: ['((', '))'],
  table: ['[(', ')]'],
  'state-machine': ['{{', '}}'],
  function: ['[', ']'],
};

function shape(node: GraphNode): string {
  const [open, close] = SHAPES[node.kind];
  return `${node.id}${open}${node.label.join('<br/>')}${close}`;
}
