import { describe, expect, it } from 'vitest';
import { defineService, EnvironmentConflictError, type EnvironmentSources, functionEnvironmentVariables } from '../src';

/** Sources that say where each value came from, so a test can see which resolver answered. */
const sources: EnvironmentSources = {
  stage: 'dev',
  logLevel: 'info',
  tableName: (service, table) => `table:${service}/${table}`,
  functionName: (service, fn) => `function:${service}/${fn}`,
  queueUrl: (service, queue) => `queue:${service}/${queue}`,
  stateMachineArn: (service, machine) => `machine:${service}/${machine}`,
  eventBusName: () => 'bus',
  platform: (variable) => `platform:${variable}`,
};

const orders = defineService({
  name: 'order-service',
  description: 'orders',
  tables: {
    orders: { description: 'orders', partitionKey: { name: 'orderId', type: 'S' } },
    'idempotency-keys': { description: 'keys', partitionKey: { name: 'key', type: 'S' } },
  },
  functions: {
    'create-order': {
      description: 'places an order',
      memoryMb: 256,
      timeoutSeconds: 15,
      triggers: [],
      permissions: {
        tables: { orders: ['GetItem', 'PutItem'], 'idempotency-keys': ['GetItem', 'PutItem'] },
        foreignTables: { 'product-service/products': ['GetItem'] },
        invokes: ['cart-service/read-cart'],
        invokesAsync: ['analytics-service/stream-processor'],
        sendsTo: ['payment-service/payment-events'],
        stateMachines: { 'checkout-orchestrator/checkout': ['StartExecution'] },
        publishes: { source: 'shop.orders', detailTypes: ['OrderCreated'] },
      },
      uses: ['checkout', 'email'],
    },
    'get-order': {
      description: 'answers an order',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [],
      permissions: { tables: { orders: ['GetItem'] } },
    },
    clash: {
      description: 'names two tables called orders',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [],
      permissions: { tables: { orders: ['GetItem'] }, foreignTables: { 'archive-service/orders': ['GetItem'] } },
    },
  },
});

describe('functionEnvironmentVariables', () => {
  it('names every table, function, queue, state machine, the bus and the platform settings a function may use', () => {
    expect(functionEnvironmentVariables(orders, 'create-order', sources)).toEqual({
      SERVICE_NAME: 'order-service',
      STAGE: 'dev',
      LOG_LEVEL: 'info',
      ORDERS_TABLE: 'table:order-service/orders',
      IDEMPOTENCY_KEYS_TABLE: 'table:order-service/idempotency-keys',
      PRODUCTS_TABLE: 'table:product-service/products',
      CART_SERVICE_READ_CART_FUNCTION: 'function:cart-service/read-cart',
      ANALYTICS_SERVICE_STREAM_PROCESSOR_FUNCTION: 'function:analytics-service/stream-processor',
      PAYMENT_SERVICE_PAYMENT_EVENTS_QUEUE_URL: 'queue:payment-service/payment-events',
      CHECKOUT_ORCHESTRATOR_CHECKOUT_STATE_MACHINE_ARN: 'machine:checkout-orchestrator/checkout',
      EVENT_BUS_NAME: 'bus',
      PAYMENT_WINDOW_SECONDS: 'platform:PAYMENT_WINDOW_SECONDS',
      EMAIL_FROM: 'platform:EMAIL_FROM',
    });
  });

  it('gives a function that names nothing else only its own identity', () => {
    expect(Object.keys(functionEnvironmentVariables(orders, 'get-order', sources))).toEqual([
      'SERVICE_NAME',
      'STAGE',
      'LOG_LEVEL',
      'ORDERS_TABLE',
    ]);
  });

  it('sets every variable of a platform resource the function uses', () => {
    const users = defineService({
      name: 'user-service',
      description: 'users',
      tables: {},
      functions: {
        login: { description: 'signs in', memoryMb: 256, timeoutSeconds: 10, triggers: [], permissions: {}, uses: ['userPool', 'paymentProvider'] },
      },
    });
    const env = functionEnvironmentVariables(users, 'login', sources);
    expect(env).toMatchObject({
      USER_POOL_ID: 'platform:USER_POOL_ID',
      USER_POOL_CLIENT_ID: 'platform:USER_POOL_CLIENT_ID',
      PAYMENT_PROVIDER_URL: 'platform:PAYMENT_PROVIDER_URL',
      PAYMENT_PROVIDER_API_KEY_PARAMETER: 'platform:PAYMENT_PROVIDER_API_KEY_PARAMETER',
      PAYMENT_WEBHOOK_SECRET_PARAMETER: 'platform:PAYMENT_WEBHOOK_SECRET_PARAMETER',
    });
    expect(env).not.toHaveProperty('EVENT_BUS_NAME');
  });

  it('refuses two tables that would share one variable with different names', () => {
    expect(() => functionEnvironmentVariables(orders, 'clash', sources)).toThrow(EnvironmentConflictError);
  });

  it('refuses a function the manifest does not declare', () => {
    expect(() => functionEnvironmentVariables(orders, 'no-such-function', sources)).toThrow(/no function no-such-function/);
  });
});
