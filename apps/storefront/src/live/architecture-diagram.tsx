import { useState } from 'preact/hooks';
import type { ArchitectureGraph, GraphNode } from './trace';

/**
 * The generated architecture (the same graph as docs/architecture.md's Mermaid diagram), laid out
 * when the docs were generated, drawn here as SVG. Lines keep the diagram's styles: solid for
 * synchronous calls, dashed for asynchronous ones, dotted for events and messages. What an order
 * lit is drawn strong; the rest fades.
 */
export function ArchitectureDiagram({ graph, lit, title }: { graph: ArchitectureGraph; lit?: { edges: Set<string>; nodes: Set<string> }; title: string }) {
  const active = lit && lit.edges.size > 0;
  const [fit, setFit] = useState(true);
  return (
    <>
      <p>
        <button type="button" aria-pressed={!fit} onClick={() => setFit(!fit)}>
          {fit ? 'Show at full size' : 'Fit to the page'}
        </button>
      </p>
      <div class="diagram-scroll" tabIndex={0} role="region" aria-label={fit ? title : `${title} (scrolls both ways)`}>
      <svg viewBox={`0 0 ${graph.width} ${graph.height}`} width={fit ? '100%' : graph.width} height={fit ? undefined : graph.height} class={active ? 'diagram diagram-live' : 'diagram'} role="img" aria-label={title}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
          </marker>
          <marker id="arrow-lit" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head-lit" />
          </marker>
        </defs>
        {graph.groups.map((group) => (
          <g key={group.id} class="group">
            <rect x={group.x} y={group.y} width={group.width} height={group.height} rx="8" />
            <text x={group.x + 8} y={group.y + 15}>
              {group.label}
            </text>
          </g>
        ))}
        {graph.edges.map((edge) => {
          const on = lit?.edges.has(edge.id);
          return (
            <path
              key={edge.id}
              d={`M ${edge.points.map(([x, y]) => `${x} ${y}`).join(' L ')}`}
              class={`edge edge-${edge.style}${on ? ' lit' : ''}`}
              marker-end={on ? 'url(#arrow-lit)' : 'url(#arrow)'}
            >
              <title>{edge.label}</title>
            </path>
          );
        })}
        {graph.nodes.map((node) => (
          <Node key={node.id} node={node} on={lit?.nodes.has(node.id) ?? false} />
        ))}
        {graph.edges
          .filter((edge) => lit?.edges.has(edge.id))
          .map((edge) => {
            const middle = edge.points[Math.floor(edge.points.length / 2)];
            const x = middle?.[0] ?? 0;
            const y = middle?.[1] ?? 0;
            return (
              <text key={`label-${edge.id}`} x={x} y={y - 4} class="edge-label" text-anchor="middle">
                {edge.label.length > 42 ? `${edge.label.slice(0, 41)}…` : edge.label}
              </text>
            );
          })}
      </svg>
      </div>
    </>
  );
}

function Node({ node, on }: { node: GraphNode; on: boolean }) {
  const { x, y, width, height } = node;
  const shape = (() => {
    switch (node.kind) {
      case 'topic':
        return <ellipse cx={x + width / 2} cy={y + height / 2} rx={width / 2} ry={height / 2} />;
      case 'queue':
      case 'dead-letter-queue':
        return <polygon points={`${x + 8},${y} ${x + width},${y} ${x + width - 8},${y + height} ${x},${y + height}`} />;
      case 'bus':
      case 'state-machine':
        return <polygon points={`${x + 10},${y} ${x + width - 10},${y} ${x + width},${y + height / 2} ${x + width - 10},${y + height} ${x + 10},${y + height} ${x},${y + height / 2}`} />;
      case 'client':
      case 'scheduler':
        return <rect x={x} y={y} width={width} height={height} rx={height / 2} />;
      default:
        return <rect x={x} y={y} width={width} height={height} rx={node.kind === 'table' ? 10 : 4} />;
    }
  })();
  return (
    <g class={`node node-${node.kind}${on ? ' lit' : ''}`}>
      {shape}
      {node.label.map((line, i) => (
        <text key={i} x={x + width / 2} y={y + height / 2 + (i - (node.label.length - 1) / 2) * 15} text-anchor="middle" dominant-baseline="middle">
          {line}
        </text>
      ))}
    </g>
  );
}
