import type { ServiceManifest } from '@shop/platform';
import { loadManifests } from '@shop/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { architectureGraph } from '../src/architecture-graph';
import { layOut } from '../src/architecture-layout';

let manifests: ServiceManifest[];

beforeAll(async () => {
  manifests = await loadManifests();
});

describe('architectureGraph', () => {
  it('tells which trace pattern carries each line into a function', () => {
    const edges = architectureGraph(manifests).edges;
    const into = (to: string) => edges.filter((e) => e.to === to);
    expect(into('fn_order_service__create_order')).toEqual([
      expect.objectContaining({ from: 'api', label: 'POST /orders', style: 'sync', pattern: 'api-gateway' }),
    ]);
    expect(into('fn_analytics_service__stream_processor')).toContainEqual(expect.objectContaining({ style: 'async', pattern: 'async-invoke' }));
    expect(into('fn_order_service__update_order_status')).toContainEqual(expect.objectContaining({ style: 'event', pattern: 'sqs' }));
    expect(into('fn_order_service__validate_order')).toContainEqual(expect.objectContaining({ pattern: 'step-functions' }));
    expect(into('fn_notification_service__send_notification')).toContainEqual(expect.objectContaining({ pattern: 'sns' }));
    expect(into('fn_order_events__publish_order_events')).toContainEqual(expect.objectContaining({ pattern: 'dynamodb-stream' }));
  });
});

describe('layOut', () => {
  it('places every node inside its group and inside the drawing, and routes every edge', () => {
    const laid = layOut(architectureGraph(manifests));
    const groups = new Map(laid.groups.map((g) => [g.id, g]));
    for (const node of laid.nodes) {
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.y + node.height).toBeLessThanOrEqual(laid.height);
      const group = node.group ? groups.get(node.group) : undefined;
      if (group) {
        expect(node.x, node.id).toBeGreaterThanOrEqual(group.x);
        expect(node.x + node.width, node.id).toBeLessThanOrEqual(group.x + group.width + 0.5);
      }
    }
    for (const edge of laid.edges) expect(edge.points.length, edge.id).toBeGreaterThanOrEqual(2);
  });

  it('lays the same graph out the same way every time', () => {
    expect(JSON.stringify(layOut(architectureGraph(manifests)))).toBe(JSON.stringify(layOut(architectureGraph([...manifests].reverse()))));
  });
});
