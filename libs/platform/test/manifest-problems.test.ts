import { describe, expect, it } from 'vitest';
import { defineService, manifestProblems, type ServiceManifest } from '../src';

/** Services that reach into each other every way a manifest can name another's resources. */
const payments = defineService({
  name: 'payment-service',
  description: 'payments',
  tables: {},
  queues: { 'payment-events': { description: 'provider results', visibilityTimeoutSeconds: 200, maxReceiveCount: 5 } },
  functions: {
    'payment-webhook': { description: 'queues webhooks', memoryMb: 256, timeoutSeconds: 10, triggers: [], permissions: { sendsTo: ['payment-service/payment-events'] } },
  },
});
const orders = defineService({
  name: 'order-service',
  description: 'orders',
  tables: { orders: { description: 'orders', partitionKey: { name: 'orderId', type: 'S' }, stream: 'NEW_AND_OLD_IMAGES' } },
  stateMachines: { checkout: { description: 'checkout', definition: 'checkout.asl.json' } },
  functions: {
    'update-order-status': {
      description: 'applies payment results',
      memoryMb: 256,
      timeoutSeconds: 30,
      triggers: [{ type: 'queue', queue: 'payment-service/payment-events', batchSize: 5, maxBatchingWindowSeconds: 1 }],
      permissions: {
        tables: { orders: ['GetItem', 'PutItem'] },
        foreignTables: { 'product-service/products': ['GetItem', 'PutItem'] },
        invokes: ['inventory-service/release-stock'],
        invokesAsync: ['analytics-service/record-start'],
        stateMachines: { 'order-service/checkout': ['SendTaskSuccess', 'SendTaskFailure'] },
      },
    },
  },
});
const products = defineService({
  name: 'product-service',
  description: 'catalogue',
  tables: { products: { description: 'products', partitionKey: { name: 'productId', type: 'S' } } },
  functions: {},
});
const inventory = defineService({
  name: 'inventory-service',
  description: 'stock',
  tables: {},
  functions: {
    'release-stock': {
      description: 'releases a reservation',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [{ type: 'invoke', callers: ['order-service/update-order-status'] }],
      permissions: {},
    },
  },
});
const analytics = defineService({
  name: 'analytics-service',
  description: 'analytics',
  tables: {},
  deadLetterQueues: { failed: { description: 'what could not be recorded' } },
  topics: { alerts: { description: 'alerts', rules: { big: { description: 'big orders', pattern: { source: ['shop.orders'] } } } } },
  functions: {
    'record-start': {
      description: 'invoked with Event',
      memoryMb: 128,
      timeoutSeconds: 5,
      triggers: [{ type: 'invoke', callers: ['order-service/update-order-status'] }],
      permissions: {},
      asyncInvoke: { maximumRetryAttempts: 2, onFailure: 'analytics-service/failed' },
    },
    'on-alert': {
      description: 'subscribed to the topic, fed by the stream',
      memoryMb: 128,
      timeoutSeconds: 5,
      triggers: [
        { type: 'topic', topic: 'analytics-service/alerts' },
        { type: 'schedule', schedule: 'daily', description: 'd', expression: 'cron(0 0 * * ? *)', input: {} },
        {
          type: 'table-stream',
          table: 'order-service/orders',
          batchSize: 10,
          startingPosition: 'TRIM_HORIZON',
          maximumRetryAttempts: 3,
          bisectBatchOnError: true,
          onFailure: 'analytics-service/failed',
        },
      ],
      permissions: {},
      asyncInvoke: { maximumRetryAttempts: 1, onFailure: 'analytics-service/failed' },
    },
  },
});
const services: ServiceManifest[] = [payments, orders, products, inventory, analytics];

describe('references between manifests', () => {
  it('finds none missing when everything named exists', () => {
    expect(manifestProblems(services)).toEqual([]);
  });

  it('names each reference to something no service declares', () => {
    const broken = defineService({
      name: 'broken-service',
      description: 'names things that are not there',
      tables: {},
      functions: {
        confused: {
          description: 'every kind of dangling reference',
          memoryMb: 128,
          timeoutSeconds: 90,
          triggers: [
            { type: 'queue', queue: 'payment-service/payment-events', batchSize: 50 },
            { type: 'queue', queue: 'payment-service/nope', batchSize: 1 },
            { type: 'state-machine-task', stateMachine: 'order-service/refunds', states: ['Refund'] },
            { type: 'invoke', callers: ['ghost-service/caller'] },
            { type: 'topic', topic: 'analytics-service/gossip' },
            {
              type: 'table-stream',
              table: 'product-service/products',
              batchSize: 0,
              startingPosition: 'LATEST',
              maximumRetryAttempts: -2,
              bisectBatchOnError: false,
              onFailure: 'analytics-service/lost',
            },
          ],
          permissions: {
            foreignTables: { 'product-service/prices': ['GetItem'] },
            invokes: ['inventory-service/teleport'],
            invokesAsync: ['inventory-service/vanish'],
            sendsTo: ['order-service/outbox'],
            stateMachines: { 'order-service/refunds': ['StartExecution'] },
          },
          asyncInvoke: { maximumRetryAttempts: 2, onFailure: 'broken-service/nowhere' },
        },
      },
    });
    expect(manifestProblems([...services, broken])).toEqual([
      'broken-service/confused: batchSize 50 for payment-service/payment-events must be 1–10 without a batching window',
      "broken-service/confused: payment-service/payment-events hides a message for 200 s; AWS advises at least 6 × the function's timeout of 90 s (540 s)",
      'broken-service/confused: names queue payment-service/nope, which payment-service does not declare',
      'broken-service/confused: names state machine order-service/refunds, which order-service does not declare',
      'broken-service/confused: names caller function ghost-service/caller, but there is no service ghost-service',
      'broken-service/confused: names topic analytics-service/gossip, which analytics-service does not declare',
      'broken-service/confused: consumes the stream of product-service/products, which declares no stream',
      'broken-service/confused: names dead-letter queue analytics-service/lost, which analytics-service does not declare',
      'broken-service/confused: batchSize 0 for the stream of product-service/products must be 1–10000',
      'broken-service/confused: maximumRetryAttempts -2 for the stream of product-service/products must be -1–10000',
      'broken-service/confused: names dead-letter queue broken-service/nowhere, which broken-service does not declare',
      'broken-service/confused: names table product-service/prices, which product-service does not declare',
      'broken-service/confused: names function inventory-service/teleport, which inventory-service does not declare',
      'broken-service/confused: names function inventory-service/vanish, which inventory-service does not declare',
      'broken-service/confused: names queue order-service/outbox, which order-service does not declare',
      'broken-service/confused: names state machine order-service/refunds, which order-service does not declare',
    ]);
  });

  it('refuses table grants IAM would take but not mean: unknown actions, no action, unknown indexes, item actions on an index, limits without the key', () => {
    const indexed = defineService({
      ...products,
      tables: {
        products: { ...products.tables.products, globalSecondaryIndexes: [{ name: 'by-listing', partitionKey: { name: 'listing', type: 'S' } }] },
      },
    });
    const sloppy = defineService({
      name: 'sloppy-service',
      description: 'grants carelessly',
      tables: { notes: { description: 'notes', partitionKey: { name: 'noteId', type: 'S' }, sortKey: { name: 'at', type: 'S' } } },
      functions: {
        writer: {
          description: 'w',
          memoryMb: 128,
          timeoutSeconds: 5,
          triggers: [],
          permissions: {
            tables: { notes: { actions: ['PutItem', 'PutItem'], attributes: ['noteId', 'text'] } },
            foreignTables: {
              'product-service/products': { actions: ['GetItem', 'Describe' as 'GetItem'], indexes: { 'by-price': ['Query'], 'by-listing': ['GetItem' as 'Query'] } },
            },
          },
        },
        idle: { description: 'i', memoryMb: 128, timeoutSeconds: 5, triggers: [], permissions: { tables: { notes: [] } } },
      },
    });
    expect(manifestProblems([payments, orders, indexed, inventory, analytics, sloppy])).toEqual([
      'sloppy-service/writer: names an action twice on sloppy-service/notes',
      'sloppy-service/writer: limits sloppy-service/notes to attributes that leave out its key "at", which every request names',
      'sloppy-service/writer: names "Describe" on product-service/products, which is no DynamoDB item action (GetItem, BatchGetItem, Query, Scan, PutItem, UpdateItem, DeleteItem, BatchWriteItem, ConditionCheckItem)',
      'sloppy-service/writer: queries index "by-price" of product-service/products, which declares no such index',
      'sloppy-service/writer: names "GetItem" on index "by-listing" of product-service/products; an index takes only Query and Scan',
      'sloppy-service/idle: names sloppy-service/notes but no action on it',
    ]);
  });

  it('asks for asyncInvoke settings exactly where something invokes a function asynchronously', () => {
    const withoutSettings = defineService({
      ...analytics,
      functions: { ...analytics.functions, 'record-start': { ...analytics.functions['record-start'], asyncInvoke: undefined } },
    });
    const needless = defineService({
      ...inventory,
      deadLetterQueues: { failed: { description: 'f' } },
      functions: {
        'release-stock': { ...inventory.functions['release-stock'], asyncInvoke: { maximumRetryAttempts: 0, onFailure: 'inventory-service/failed' } },
      },
    });
    expect(manifestProblems([payments, orders, products, needless, withoutSettings])).toEqual([
      'inventory-service/release-stock: has asyncInvoke settings, but nothing invokes it asynchronously',
      'analytics-service/record-start: is invoked asynchronously, so it needs asyncInvoke settings (retries and where failures go)',
    ]);
  });

  it('refuses a rule or schedule name used twice in a service', () => {
    const twice = defineService({
      name: 'twice-service',
      description: 'duplicates',
      tables: {},
      deadLetterQueues: { failed: { description: 'f' } },
      topics: { alerts: { description: 'a', rules: { orders: { description: 'same name as the function rule', pattern: { source: ['shop.orders'] } } } } },
      functions: {
        job: {
          description: 'j',
          memoryMb: 128,
          timeoutSeconds: 5,
          triggers: [
            { type: 'schedule', schedule: 'nightly', description: 'a', expression: 'cron(0 1 * * ? *)', input: {} },
            { type: 'schedule', schedule: 'nightly', description: 'b', expression: 'cron(0 2 * * ? *)', input: {} },
            { type: 'event-rule', rule: 'orders', description: 'a', pattern: { source: ['shop.orders'] } },
            { type: 'event-rule', rule: 'orders', description: 'b', pattern: { source: ['shop.users'] } },
          ],
          permissions: {},
          asyncInvoke: { maximumRetryAttempts: 2, onFailure: 'twice-service/failed' },
        },
      },
    });
    expect(manifestProblems([twice])).toEqual([
      'twice-service/job: declares the schedule "nightly", which twice-service/job declares too',
      'twice-service/job: declares the event rule "orders", which twice-service/alerts declares too',
      'twice-service/job: declares the event rule "orders", which twice-service/alerts declares too',
    ]);
  });
});

describe('queues as AWS advises', () => {
  it('asks for five receives before the dead-letter queue, and six times the consumer’s timeout of visibility', () => {
    const service = defineService({
      name: 'hasty-service',
      description: 'gives up on messages too soon',
      tables: {},
      queues: { work: { description: 'work', visibilityTimeoutSeconds: 30, maxReceiveCount: 2 } },
      functions: {
        worker: { description: 'works', memoryMb: 128, timeoutSeconds: 10, triggers: [{ type: 'queue', queue: 'hasty-service/work', batchSize: 1 }], permissions: {} },
      },
    });
    expect(manifestProblems([service])).toEqual([
      "hasty-service/worker: hasty-service/work hides a message for 30 s; AWS advises at least 6 × the function's timeout of 10 s (60 s)",
      'hasty-service/worker: hasty-service/work moves a message to its dead-letter queue after 2 receive(s); AWS advises at least 5',
    ]);
  });
});
