import dagre from '@dagrejs/dagre';
import type { ArchitectureGraph, GraphEdge, GraphGroup, GraphNode } from './architecture-graph';

/** Where the storefront's live view reads the laid-out graph from, relative to the repository root. */
export const ARCHITECTURE_LAYOUT_PATH = 'apps/storefront/src/generated/architecture-graph.json';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The graph with a position for everything: what a browser draws as SVG without a layout library. */
export interface LaidOutGraph {
  width: number;
  height: number;
  groups: (GraphGroup & Box)[];
  nodes: (GraphNode & Box)[];
  edges: (GraphEdge & { id: string; points: [number, number][] })[];
}

const CHAR_WIDTH = 7;
const LINE_HEIGHT = 16;
const PADDING = 12;

/**
 * Lays the graph out left to right with dagre (the layout Mermaid uses), once, when the docs are
 * generated: the browser then ships no layout code. Coordinates are rounded, so the JSON is the
 * same on every machine.
 */
export function layOut(graph: ArchitectureGraph): LaidOutGraph {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 70, edgesep: 6, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const group of graph.groups) g.setNode(group.id, { label: group.label, paddingTop: 22 });
  for (const node of graph.nodes) {
    const longest = Math.max(...node.label.map((l) => l.length));
    g.setNode(node.id, { width: longest * CHAR_WIDTH + 2 * PADDING, height: node.label.length * LINE_HEIGHT + PADDING });
    if (node.group) g.setParent(node.id, node.group);
  }
  const ids = graph.edges.map((_, i) => `e${i}`);
  graph.edges.forEach((edge, i) => g.setEdge(edge.from, edge.to, {}, ids[i]));
  dagre.layout(g);

  // dagre gives centres; an SVG wants corners.
  const box = (id: string): Box => {
    const { x, y, width, height } = g.node(id) as Box;
    return { x: round(x - width / 2), y: round(y - height / 2), width: round(width), height: round(height) };
  };
  const { width, height } = g.graph() as { width: number; height: number };
  return {
    width: round(width),
    height: round(height),
    groups: graph.groups.map((group) => ({ ...group, ...box(group.id) })),
    nodes: graph.nodes.map((node) => ({ ...node, ...box(node.id) })),
    edges: graph.edges.map((edge, i) => ({
      id: ids[i]!,
      ...edge,
      points: (g.edge({ v: edge.from, w: edge.to, name: ids[i]! }) as { points: { x: number; y: number }[] }).points.map(
        (p): [number, number] => [round(p.x), round(p.y)],
      ),
    })),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
