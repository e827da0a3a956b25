import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineService, type ServiceManifest } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { taskStateProblems } from '../src/manifest-references';
import { paymentSecrets } from '../src/payment-secrets';
import { prepareDefinition } from '../src/step-functions/prepare-definition';
import {
  asyncInvokeSettings,
  eventRuleBindings,
  functionEnvironment,
  queueMappings,
  scheduleBindings,
  streamMappings,
  topicBindings,
  type WiringContext,
} from '../src/wiring';

/** Two services that reach into each other the ways checkout does. */
const payments = defineService({
  name: 'payment-service',
  description: 'payments',
  tables: {},
  queues: { 'payment-events': { description: 'provider results', visibilityTimeoutSeconds: 181, maxReceiveCount: 5 } },
  functions: {
    'payment-webhook': {
      description: 'verifies provider webhooks and queues them',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [],
      permissions: { sendsTo: ['payment-service/payment-events'] },
      uses: ['paymentProvider'],
    },
  },
});
const orders = defineService({
  name: 'order-service',
  description: 'orders',
  tables: { orders: { description: 'orders', partitionKey: { name: 'orderId', type: 'S' } } },
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
        stateMachines: { 'order-service/checkout': ['SendTaskSuccess', 'SendTaskFailure'] },
      },
      uses: ['checkout'],
    },
    'validate-order': {
      description: 'checks an order',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [{ type: 'state-machine-task', stateMachine: 'order-service/checkout', states: ['Validate'] }],
      permissions: {},
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
/** A service that takes events every way the manifests allow: a rule, a topic, a stream, a schedule. */
const listener = defineService({
  name: 'listener-service',
  description: 'listens',
  tables: {},
  deadLetterQueues: { failed: { description: 'what could not be handled' } },
  topics: { news: { description: 'news', rules: { 'to-news': { description: 'paid orders to the topic', pattern: { 'detail-type': ['OrderPaid'] } } } } },
  functions: {
    'on-event': {
      description: 'counts events',
      memoryMb: 128,
      timeoutSeconds: 5,
      triggers: [
        { type: 'event-rule', rule: 'orders', description: 'order events', pattern: { source: ['shop.orders'] } },
        { type: 'topic', topic: 'listener-service/news' },
        { type: 'schedule', schedule: 'nightly', description: 'n', expression: 'cron(0 1 * * ? *)', input: { period: 'daily' } },
      ],
      asyncInvoke: { maximumRetryAttempts: 1, onFailure: 'listener-service/failed' },
      permissions: { publishes: { source: 'shop.listener', detailTypes: ['Heard'] } },
    },
    'on-change': {
      description: 'reads the orders stream',
      memoryMb: 128,
      timeoutSeconds: 5,
      triggers: [
        { type: 'table-stream', table: 'order-service/orders', batchSize: 25, startingPosition: 'TRIM_HORIZON', maximumRetryAttempts: 3, bisectBatchOnError: false, onFailure: 'listener-service/failed' },
      ],
      permissions: {},
    },
  },
});
const services: ServiceManifest[] = [payments, orders, products, inventory, listener];

const context: WiringContext = {
  stage: 'local',
  region: 'us-east-1',
  endpoints: { dynamodb: 'http://d', cognito: 'http://c', lambda: 'http://l', sqs: 'http://q', stepFunctions: 'http://s', eventBridge: 'http://e', sns: 'http://n', ses: 'http://m', ssm: 'http://ssm' },
  userPool: { id: 'us-east-1_x', clientId: 'client' },
  queueUrls: new Map([['payment-service/payment-events', 'http://q/000000000000/shop-local-payment-service-payment-events']]),
  stateMachineArns: new Map([['order-service/checkout', 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-local-order-service-checkout']]),
  paymentProvider: {
    url: 'http://p',
    apiKey: 'sk_test_1',
    webhookSecret: 'whsec_1',
    apiKeyParameter: '/shop/local/payment-provider/api-key',
    webhookSecretParameter: '/shop/local/payment-provider/webhook-secret',
  },
  paymentWindowSeconds: 60,
  emailFrom: 'orders@shop.test',
};

describe('function environment', () => {
  it('names what the permissions name, and nothing else', () => {
    const env = functionEnvironment(context, orders, 'update-order-status');
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL_SQS: 'http://q',
      AWS_ENDPOINT_URL_SFN: 'http://s',
      ORDERS_TABLE: 'shop-local-order-service-orders',
      PRODUCTS_TABLE: 'shop-local-product-service-products',
      // The live alias, as infra's environment names it: the caller's policy allows invoking only that.
      INVENTORY_SERVICE_RELEASE_STOCK_FUNCTION: 'shop-local-inventory-service-release-stock:live',
      ORDER_SERVICE_CHECKOUT_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-local-order-service-checkout',
      PAYMENT_WINDOW_SECONDS: '60',
    });
    expect(env['PAYMENT_SERVICE_PAYMENT_EVENTS_QUEUE_URL']).toBeUndefined();
    expect(env['PAYMENT_PROVIDER_API_KEY_PARAMETER']).toBeUndefined();
  });

  it("signs the function's calls with its own access key, by which the local cloud's IAM knows it", () => {
    expect(functionEnvironment(context, orders, 'update-order-status')['AWS_ACCESS_KEY_ID']).toBe('LOCALShopLocalOrderServiceUpdateOrderStatus');
    expect(functionEnvironment(context, orders, 'validate-order')['AWS_ACCESS_KEY_ID']).toBe('LOCALShopLocalOrderServiceValidateOrder');
  });

  it("gives queue URLs to senders, and the payment provider's URL and secret parameters, never the secrets, to its users", () => {
    const env = functionEnvironment(context, payments, 'payment-webhook');
    expect(env).toMatchObject({
      PAYMENT_SERVICE_PAYMENT_EVENTS_QUEUE_URL: 'http://q/000000000000/shop-local-payment-service-payment-events',
      PAYMENT_PROVIDER_URL: 'http://p',
      PAYMENT_PROVIDER_API_KEY_PARAMETER: '/shop/local/payment-provider/api-key',
      PAYMENT_WEBHOOK_SECRET_PARAMETER: '/shop/local/payment-provider/webhook-secret',
      AWS_ENDPOINT_URL_SSM: 'http://ssm',
    });
    expect(Object.values(env)).not.toContain('sk_test_1');
    expect(Object.values(env)).not.toContain('whsec_1');
    expect(env['PAYMENT_WINDOW_SECONDS']).toBeUndefined();
  });

  it("points every SDK client at its emulator, and names the bus for a function that publishes", () => {
    const env = functionEnvironment(context, listener, 'on-event');
    expect(env).toMatchObject({
      EVENT_BUS_NAME: 'shop-local-events',
      AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://e',
      AWS_ENDPOINT_URL_SNS: 'http://n',
      AWS_ENDPOINT_URL_SESV2: 'http://m',
    });
    expect(functionEnvironment(context, orders, 'validate-order')['EVENT_BUS_NAME']).toBeUndefined();
  });

  it('binds each queue trigger to its physical function', () => {
    expect(queueMappings('local', services)).toEqual([
      {
        queue: 'payment-service/payment-events',
        functionName: 'shop-local-order-service-update-order-status',
        batchSize: 5,
        maxBatchingWindowSeconds: 1,
      },
    ]);
  });
});

describe('the asynchronous side', () => {
  it('binds event rules to their function or topic, named as infra names them', () => {
    expect(eventRuleBindings('local', services)).toEqual([
      { name: 'shop-local-listener-service-orders', pattern: { source: ['shop.orders'] }, target: { kind: 'function', functionName: 'shop-local-listener-service-on-event' } },
      { name: 'shop-local-listener-service-to-news', pattern: { 'detail-type': ['OrderPaid'] }, target: { kind: 'topic', topic: 'listener-service/news' } },
    ]);
  });

  it('subscribes the functions a topic triggers', () => {
    expect(topicBindings('local', services)).toEqual([
      { ref: 'listener-service/news', name: 'shop-local-listener-service-news', subscribers: ['shop-local-listener-service-on-event'] },
    ]);
  });

  it("maps a table's stream to its consumer, with the retry settings of the trigger", () => {
    expect(streamMappings('local', services)).toEqual([
      {
        functionName: 'shop-local-listener-service-on-change',
        table: 'order-service/orders',
        tableName: 'shop-local-order-service-orders',
        batchSize: 25,
        startingPosition: 'TRIM_HORIZON',
        maximumRetryAttempts: 3,
        bisectBatchOnError: false,
        onFailure: 'listener-service/failed',
      },
    ]);
  });

  it('names schedules and the asynchronous invoke settings by physical function', () => {
    expect(scheduleBindings('local', services)).toEqual([
      { name: 'shop-local-listener-service-nightly', expression: 'cron(0 1 * * ? *)', functionName: 'shop-local-listener-service-on-event', input: { period: 'daily' } },
    ]);
    expect(asyncInvokeSettings('local', services)).toEqual([
      { functionName: 'shop-local-listener-service-on-event', maximumRetryAttempts: 1, onFailure: 'listener-service/failed' },
    ]);
  });
});

describe('state machines and their task functions', () => {
  it('matches state-machine-task triggers with the Task states of the definition, both ways', () => {
    const definition = {
      StartAt: 'Validate',
      States: {
        Validate: { Type: 'Task', Resource: '${order-service/validate-order}', Next: 'Release' },
        Release: { Type: 'Task', Resource: '${inventory-service/release-stock}', End: true },
      },
    };
    const machine = {
      ref: 'order-service/checkout',
      service: 'order-service',
      physicalName: 'shop-local-order-service-checkout',
      definitionFile: '/x/checkout.asl.json',
      prepared: prepareDefinition(definition, 'checkout.asl.json', (ref) => `shop-local-${ref.replace('/', '-')}`),
    };
    expect(taskStateProblems(services, [machine])).toEqual([
      'order-service/checkout: state "Release" runs inventory-service/release-stock, whose manifest has no state-machine-task trigger for it',
    ]);
  });
});

describe('payment provider secrets', () => {
  it('are new every run, and kept across runs in a persisted data directory', () => {
    expect(paymentSecrets()).not.toEqual(paymentSecrets());
    const dir = mkdtempSync(join(tmpdir(), 'payment-secrets-'));
    try {
      const first = paymentSecrets(dir);
      expect(first.apiKey).toMatch(/^sk_test_[0-9a-f]{48}$/);
      expect(paymentSecrets(dir)).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
