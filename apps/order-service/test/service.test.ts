import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handlerPath, PLATFORM_ENV, type ServiceManifest } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { UNWRITTEN_ORDER_COUNTS_SECONDS } from '../src/domain/open-orders';
import { service } from '../src/service';

const root = join(__dirname, '..');
const CHECKOUT = 'checkout-orchestrator/checkout';

describe('order-service manifest', () => {
  it('has a handler file and a build entry for every function, and no other entries', () => {
    const project = JSON.parse(readFileSync(join(root, 'project.json'), 'utf8')) as {
      targets: { build: { options: { main: string; additionalEntryPoints: string[] } } };
    };
    const { main, additionalEntryPoints } = project.targets.build.options;
    const entries = [main, ...additionalEntryPoints].map((p) => p.replace('apps/order-service/', '')).sort();
    const functions = Object.keys(service.functions);
    expect(entries).toEqual(functions.map(handlerPath).sort());
    for (const fn of functions) expect(existsSync(join(root, handlerPath(fn)))).toBe(true);
  });

  it('declares the permissions of the checkout contract', () => {
    const f = service.functions;
    expect(f['create-order'].permissions).toEqual({
      tables: { orders: ['GetItem', 'PutItem', 'UpdateItem'], 'idempotency-keys': ['GetItem', 'PutItem'], 'open-orders': ['GetItem', 'PutItem'] },
      invokes: ['cart-service/read-cart', 'product-service/get-products', 'cart-service/clear-cart'],
      invokesAsync: ['analytics-service/stream-processor'],
      stateMachines: { [CHECKOUT]: ['StartExecution'] },
      sendsTo: ['order-service/checkout-start-checks'],
    });
    expect(f['create-order'].uses).toEqual(['checkout']);
    expect(PLATFORM_ENV.checkout).toEqual(['PAYMENT_WINDOW_SECONDS']);
    expect(f['validate-order'].permissions.invokes).toEqual(['inventory-service/check-availability']);
    expect(f['cancel-order'].permissions.invokes).toEqual(['inventory-service/release-stock']);
    expect(f['begin-payment'].permissions).toEqual({ tables: { orders: ['GetItem', 'UpdateItem'] } });
    expect(f['begin-payment'].triggers).toEqual([{ type: 'invoke', callers: ['payment-service/process-payment'] }]);
    expect(f['release-payment-claim'].permissions).toEqual({ tables: { orders: ['UpdateItem'] } });
    expect(f['release-payment-claim'].triggers).toEqual([{ type: 'invoke', callers: ['payment-service/process-payment'] }]);
    for (const fn of ['update-order-status', 'cancel-order', 'await-payment'] as const) {
      expect(f[fn].permissions.stateMachines).toEqual({ [CHECKOUT]: ['SendTaskSuccess', 'SendTaskFailure'] });
    }
  });

  it('runs the checkout tasks ValidateOrder, WaitForPayment, MarkPaid and Finalize, and consumes the payment events', () => {
    const functions: ServiceManifest['functions'] = service.functions;
    const tasks = Object.values(functions)
      .flatMap((fn) => fn.triggers)
      .filter((t) => t.type === 'state-machine-task')
      .flatMap((t) => t.states);
    expect(tasks.sort()).toEqual(['Finalize', 'MarkPaid', 'ValidateOrder', 'WaitForPayment']);
    expect(service.functions['update-order-status'].triggers).toEqual([{ type: 'queue', queue: 'payment-service/payment-events', batchSize: 10 }]);
  });

  it('closes the orders whose checkout never started from its own queue of delayed checks, which create-order alone sends to', () => {
    expect(service.queues['checkout-start-checks']).toMatchObject({ maxReceiveCount: 5 });
    expect(service.functions['close-unstarted-order']).toMatchObject({
      triggers: [{ type: 'queue', queue: 'order-service/checkout-start-checks', batchSize: 10 }],
      permissions: { tables: { orders: ['GetItem', 'UpdateItem'] } },
    });
    const senders = Object.entries(service.functions as ServiceManifest['functions']).filter(([, fn]) => fn.permissions.sendsTo?.includes('order-service/checkout-start-checks'));
    expect(senders.map(([name]) => name)).toEqual(['create-order']);
  });

  it('keys orders by id, indexes them by user and creation time, and expires idempotency keys', () => {
    expect(service.tables.orders.partitionKey).toEqual({ name: 'orderId', type: 'S' });
    expect(service.tables.orders.globalSecondaryIndexes).toEqual([
      { name: 'by-user', partitionKey: { name: 'userId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
    ]);
    expect(service.tables['idempotency-keys']).toMatchObject({ partitionKey: { name: 'key', type: 'S' }, ttlAttribute: 'expiresAt' });
  });

  it("counts each customer's open orders in one item per customer, which create-order alone reads and writes", () => {
    expect(service.tables['open-orders'].partitionKey).toEqual({ name: 'userId', type: 'S' });
    const users = Object.entries(service.functions as ServiceManifest['functions']).filter(([, fn]) => fn.permissions.tables?.['open-orders']);
    expect(users.map(([name]) => name)).toEqual(['create-order']);
  });

  it('counts an order not written yet for longer than create-order, which counts it before writing it, may run', () => {
    // Shorter, and a burst of checkouts would each drop the others' orders that are on their way.
    expect(UNWRITTEN_ORDER_COUNTS_SECONDS).toBeGreaterThan(service.functions['create-order'].timeoutSeconds);
  });
});
