import type { ServiceManifest } from '@shop/common';
import { loadServices } from '@shop/local-cloud/src/services';
import { beforeAll, describe, expect, it } from 'vitest';
import { architectureMermaid } from '../src/diagram';

const id = (ref: string) => `fn_${ref.replace(/\//g, '__').replace(/-/g, '_')}`;

let manifests: ServiceManifest[];
let diagram: string;

beforeAll(async () => {
  manifests = await loadServices();
  diagram = architectureMermaid(manifests);
});

describe('architectureMermaid', () => {
  it('draws every function inside its service', () => {
    expect(diagram.startsWith('flowchart LR\n')).toBe(true);
    for (const service of manifests) {
      expect(diagram).toContain(`[${service.name}]`);
      for (const name of Object.keys(service.functions)) expect(diagram).toContain(`${id(`${service.name}/${name}`)}[${name}]`);
    }
  });

  it('draws a solid arrow for every invoke', () => {
    for (const service of manifests) {
      for (const [name, fn] of Object.entries(service.functions)) {
        for (const target of fn.permissions.invokes ?? []) {
          expect(diagram).toContain(`${id(`${service.name}/${name}`)} -->|invoke| ${id(target)}`);
        }
      }
    }
  });

  it('draws the queue and the checkout state machine as asynchronous paths', () => {
    expect(diagram).toContain('fn_payment_service__payment_webhook -.->|SendMessage| q_payment_service__payment_events');
    expect(diagram).toContain('q_payment_service__payment_events -.->|SQS| fn_order_service__update_order_status');
    expect(diagram).toContain('fn_order_service__create_order -.->|StartExecution| sm_checkout_orchestrator__checkout');
    expect(diagram).toContain('sm_checkout_orchestrator__checkout -->|ReserveStock| fn_inventory_service__reserve_stock');
  });
});
