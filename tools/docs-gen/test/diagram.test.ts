import type { ServiceManifest } from '@shop/platform';
import { loadManifests } from '@shop/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { architectureMermaid } from '../src/diagram';

const id = (ref: string) => `fn_${ref.replace(/\//g, '__').replace(/-/g, '_')}`;

let manifests: ServiceManifest[];
let diagram: string;
let lines: string[];

beforeAll(async () => {
  manifests = await loadManifests();
  diagram = architectureMermaid(manifests);
  lines = diagram.split('\n');
});

/** The edges in the order Mermaid counts them for linkStyle. */
const edges = () => lines.filter((l) => / -->\|| -\.->\|/.test(l));
const dashedIndexes = () => (lines.find((l) => l.startsWith('  linkStyle')) ?? '').replace(/^\s*linkStyle ([\d,]+) .*$/, '$1').split(',').map(Number);
const isDashed = (edge: string) => dashedIndexes().includes(edges().indexOf(edge));

describe('architectureMermaid', () => {
  it('draws every function inside its service, the layers, the bus and the scheduler', () => {
    expect(diagram.startsWith('flowchart LR\n')).toBe(true);
    for (const service of manifests) {
      expect(diagram).toContain(`[${service.name}]`);
      for (const name of Object.keys(service.functions)) expect(diagram).toContain(`${id(`${service.name}/${name}`)}[${name}]`);
    }
    expect(diagram).toContain('subgraph layers[Lambda layers]');
    expect(diagram).toContain('layer_common_utils[common-utils<br/>@shop/common]');
    expect(diagram).toContain('layer_auth_layer[auth-layer<br/>@shop/auth]');
    expect(diagram).toContain('bus{{EventBridge<br/>shop event bus}}');
  });

  it('draws a solid line for every synchronous invoke, and a dashed one for every asynchronous invoke', () => {
    for (const service of manifests) {
      for (const [name, fn] of Object.entries(service.functions)) {
        for (const target of fn.permissions.invokes ?? []) {
          const edge = `  ${id(`${service.name}/${name}`)} -->|"invoke"| ${id(target)}`;
          expect(edges()).toContain(edge);
          expect(isDashed(edge)).toBe(false);
        }
      }
    }
    const event = '  fn_order_service__create_order -->|"invoke (Event)"| fn_analytics_service__stream_processor';
    expect(edges()).toContain(event);
    expect(isDashed(event)).toBe(true);
  });

  it('draws queues as nodes, and events and messages dotted', () => {
    expect(diagram).toContain('q_payment_service__payment_events[/payment-events/]');
    expect(diagram).toContain('  fn_payment_service__payment_webhook -.->|"SendMessage"| q_payment_service__payment_events');
    expect(diagram).toContain('  q_payment_service__payment_events -.->|"SQS, batches of 10"| fn_order_service__update_order_status');
    const receives = manifests.find((m) => m.name === 'payment-service')?.queues?.['payment-events']?.maxReceiveCount;
    expect(diagram).toContain(`  q_payment_service__payment_events -.->|"after ${receives} receives"| q_payment_service__payment_events_dlq`);
    expect(diagram).toContain('  table_order_service__orders -.->|"stream, batches of 25"| fn_order_events__publish_order_events');
    const published = manifests.find((m) => m.name === 'order-events')?.functions['publish-order-events']?.permissions.publishes?.detailTypes.join(', ');
    expect(diagram).toContain(`  fn_order_events__publish_order_events -.->|"PutEvents ${published}"| bus`);
    expect(diagram).toContain('  bus -.->|"rule order-events: shop.orders Order*"| fn_analytics_service__analytics_writer');
    expect(diagram).toMatch(/ {2}bus -\.->\|"rule order-lifecycle: shop\.orders OrderCreated, OrderPaid, [^"]*"\| topic_notification_service__notifications/);
    expect(diagram).toContain('  topic_notification_service__notifications -.->|"SNS"| fn_notification_service__send_notification');
    expect(diagram).toContain('  scheduler -.->|"daily-report: cron(15 0 * * ? *)"| fn_analytics_service__generate_report');
  });

  it('draws the state machine as its own box, running its tasks synchronously and started asynchronously', () => {
    expect(diagram).toContain('sm_checkout_orchestrator__checkout{{checkout<br/>state machine}}');
    expect(edges()).toContain('  sm_checkout_orchestrator__checkout -->|"ReserveStock"| fn_inventory_service__reserve_stock');
    expect(isDashed('  sm_checkout_orchestrator__checkout -->|"ReserveStock"| fn_inventory_service__reserve_stock')).toBe(false);
    expect(isDashed('  fn_order_service__create_order -->|"StartExecution"| sm_checkout_orchestrator__checkout')).toBe(true);
  });

  it('sends every asynchronously invoked function and every stream consumer to its dead-letter queue', () => {
    for (const service of manifests) {
      for (const [name, fn] of Object.entries(service.functions)) {
        if (!fn.asyncInvoke) continue;
        const target = `q_${fn.asyncInvoke.onFailure.replace(/\//g, '__').replace(/-/g, '_')}`;
        expect(diagram).toContain(`  ${id(`${service.name}/${name}`)} -->|"on failure, after ${fn.asyncInvoke.maximumRetryAttempts} retries"| ${target}`);
      }
    }
    expect(diagram).toContain('  fn_order_events__publish_order_events -->|"stream batch that kept failing"| q_order_events__unpublished_changes');
  });

  it('gives the same text for the same manifests', () => {
    expect(architectureMermaid([...manifests].reverse())).toBe(diagram);
  });
});
