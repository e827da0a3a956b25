import { describe, expect, it } from 'vitest';
import { defineService, deployDependencies, deployOrder, loadManifests, type ServiceManifest } from '../src';

const service = (name: string, triggers: ServiceManifest['functions'][string]['triggers'] = [], extra: Partial<ServiceManifest> = {}) =>
  defineService({
    name,
    description: name,
    tables: {},
    ...extra,
    functions: triggers.length ? { fn: { description: 'f', memoryMb: 128, timeoutSeconds: 5, triggers, permissions: {} } } : {},
  });

describe('the order service stacks deploy in', () => {
  it("puts the owner of a mapped queue, stream or topic just before the service that maps it, else by name", () => {
    const queues = service('z-queues', [], { queues: { q: { description: 'q', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 } } });
    const consumer = service('a-consumer', [{ type: 'queue', queue: 'z-queues/q', batchSize: 1 }]);
    const other = service('m-other');
    expect(deployDependencies(consumer)).toEqual(['z-queues']);
    expect(deployOrder([consumer, other, queues])).toEqual(['z-queues', 'a-consumer', 'm-other']);
  });

  it('refuses a circle', () => {
    const a = service('a', [{ type: 'topic', topic: 'b/t' }], { topics: { t: { description: 't' } } });
    const b = service('b', [{ type: 'topic', topic: 'a/t' }], { topics: { t: { description: 't' } } });
    expect(() => deployOrder([a, b])).toThrow(/in a circle: a → b → a/);
  });

  it("deploys this workspace's payment-service before order-service, and order-service before order-events", async () => {
    const order = deployOrder(await loadManifests());
    expect(order.indexOf('payment-service')).toBeLessThan(order.indexOf('order-service'));
    expect(order.indexOf('order-service')).toBeLessThan(order.indexOf('order-events'));
  });
});
