import { findRepoRoot, loadServices, physicalName, type ServiceManifest } from '@shop/platform';
import { functionEnvironment, type WiringContext } from '@shop/local-cloud';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { readStacks, resourceWith, type TerraformJson, TF } from './support/terraform-json';

/** A function's variables as the synthesized stack sets them. */
function deployedEnvironment(stacks: Record<string, TerraformJson>, service: string, fn: string): Record<string, string> {
  const stack = stacks[service];
  if (!stack) throw new Error(`no stack ${service}`);
  return resourceWith(stack, 'aws_lambda_function', 'function_name', physicalName('dev', service, fn))[1]['environment'].variables;
}

/** What the local cloud sets that Lambda sets itself or that only a laptop needs: the SDK's region, credentials and endpoints. */
const isLocalOnly = (name: string) => name.startsWith('AWS_');

describe('the environment of every deployed function', () => {
  let services: ServiceManifest[];
  let stacks: Record<string, TerraformJson>;

  beforeAll(async () => {
    services = (await loadServices(findRepoRoot(__dirname))).map((s) => s.manifest);
    stacks = readStacks(inject('synthesized').real);
  });

  it('has the same variable names the local cloud sets, for every function of every service', () => {
    const refs = (pick: (m: ServiceManifest) => object | undefined) =>
      new Map(services.flatMap((m) => Object.keys(pick(m) ?? {}).map((name) => [`${m.name}/${name}`, `local:${m.name}/${name}`] as [string, string])));
    const context: WiringContext = {
      stage: 'dev',
      region: 'us-east-1',
      endpoints: {
        dynamodb: 'http://localhost:1',
        cognito: 'http://localhost:2',
        lambda: 'http://localhost:3',
        sqs: 'http://localhost:4',
        stepFunctions: 'http://localhost:5',
        eventBridge: 'http://localhost:6',
        sns: 'http://localhost:7',
        ses: 'http://localhost:8',
        ssm: 'http://localhost:10',
      },
      userPool: { id: 'us-east-1_local', clientId: 'client' },
      // As the local cloud gives them: work queues, and the dead-letter queues a stream consumer is told of.
      queueUrls: new Map([...refs((m) => m.queues), ...refs((m) => m.deadLetterQueues)]),
      stateMachineArns: refs((m) => m.stateMachines),
      paymentProvider: { url: 'http://localhost:9', apiKey: 'key', webhookSecret: 'secret', apiKeyParameter: '/a', webhookSecretParameter: '/w' },
      paymentWindowSeconds: 900,
      emailFrom: 'shop@example.com',
    };
    for (const service of services) {
      for (const fn of Object.keys(service.functions)) {
        const local = Object.keys(functionEnvironment(context, service, fn)).filter((name) => !isLocalOnly(name));
        expect(Object.keys(deployedEnvironment(stacks, service.name, fn)).sort(), `${service.name}/${fn}`).toEqual(local.sort());
      }
    }
  });

  it("tells a stream consumer its on-failure queue's URL, where it keeps a record that can never succeed", () => {
    const stack = stacks['order-events'];
    if (!stack) throw new Error('no stack order-events');
    const [queueId] = resourceWith(stack, 'aws_sqs_queue', 'name', physicalName('dev', 'order-events', 'unpublished-changes'));
    expect(deployedEnvironment(stacks, 'order-events', 'publish-order-events')).toMatchObject({
      ORDER_EVENTS_UNPUBLISHED_CHANGES_QUEUE_URL: `\${aws_sqs_queue.${queueId}.url}`,
    });
  });

  it("gives create-order its tables, the functions it invokes (and fires), the checkout's ARN and the payment window", () => {
    expect(deployedEnvironment(stacks, 'order-service', 'create-order')).toMatchObject({
      SERVICE_NAME: 'order-service',
      STAGE: 'dev',
      ORDERS_TABLE: 'shop-dev-order-service-orders',
      IDEMPOTENCY_KEYS_TABLE: 'shop-dev-order-service-idempotency-keys',
      CART_SERVICE_READ_CART_FUNCTION: 'shop-dev-cart-service-read-cart:live',
      PRODUCT_SERVICE_GET_PRODUCTS_FUNCTION: 'shop-dev-product-service-get-products:live',
      CHECKOUT_ORCHESTRATOR_CHECKOUT_STATE_MACHINE_ARN: `arn:aws:states:${TF.region}:${TF.account}:stateMachine:shop-dev-checkout-orchestrator-checkout`,
      PAYMENT_WINDOW_SECONDS: '900',
    });
  });

  it("gives the payment functions the provider's URL and the NAMES of its secrets' parameters, never their values", () => {
    expect(deployedEnvironment(stacks, 'payment-service', 'payment-webhook')).toMatchObject({
      PAYMENT_PROVIDER_URL: TF.platform('payment-provider/url'),
      PAYMENT_PROVIDER_API_KEY_PARAMETER: '/shop/dev/payment-provider/api-key',
      PAYMENT_WEBHOOK_SECRET_PARAMETER: '/shop/dev/payment-provider/webhook-secret',
      PAYMENT_SERVICE_PAYMENT_EVENTS_QUEUE_URL: '${aws_sqs_queue.queue-payment-events.url}',
    });
  });

  it('puts no secret value in any function\'s environment, and no stack but the platform reads a secret', () => {
    for (const service of services) {
      const stack = stacks[service.name]!;
      for (const fn of Object.keys(service.functions)) {
        for (const [variable, value] of Object.entries(deployedEnvironment(stacks, service.name, fn))) {
          // A data source's `.value` is a decrypted SecureString; `.insecure_value` a plain one.
          expect(String(value), `${service.name}/${fn} ${variable}`).not.toMatch(/aws_ssm_parameter\.[^.}]+\.value\}/);
        }
      }
      for (const [id, data] of Object.entries(stack.data?.['aws_ssm_parameter'] ?? {})) {
        expect(data['with_decryption'], `${service.name} reads ${id} decrypted`).toBeUndefined();
        expect(data['name'], `${service.name} reads a payment secret`).not.toMatch(/payment-provider\/(api-key|webhook-secret)$/);
      }
    }
  });
});

describe('the environment of made-up functions of every kind', () => {
  let stacks: Record<string, TerraformJson>;
  beforeAll(() => {
    stacks = readStacks(inject('synthesized').synthetic);
  });

  it('names every table, function (invoked or fired), queue, state machine, the bus and the platform settings', () => {
    expect(deployedEnvironment(stacks, 'alpha-service', 'api-handler')).toEqual({
      SERVICE_NAME: 'alpha-service',
      STAGE: 'dev',
      LOG_LEVEL: 'info',
      THINGS_TABLE: 'shop-dev-alpha-service-things',
      BETA_SERVICE_LOOKUP_FUNCTION: 'shop-dev-beta-service-lookup:live',
      BETA_SERVICE_RECORD_FUNCTION: 'shop-dev-beta-service-record:live',
      ALPHA_SERVICE_WORK_QUEUE_URL: '${aws_sqs_queue.queue-work.url}',
      ALPHA_SERVICE_FLOW_STATE_MACHINE_ARN: `arn:aws:states:${TF.region}:${TF.account}:stateMachine:shop-dev-alpha-service-flow`,
      EVENT_BUS_NAME: 'shop-dev-events',
      USER_POOL_ID: TF.platform('user-pool/id'),
      USER_POOL_CLIENT_ID: TF.platform('user-pool/client-id'),
      PAYMENT_PROVIDER_URL: TF.platform('payment-provider/url'),
      PAYMENT_PROVIDER_API_KEY_PARAMETER: '/shop/dev/payment-provider/api-key',
      PAYMENT_WEBHOOK_SECRET_PARAMETER: '/shop/dev/payment-provider/webhook-secret',
    });
  });

  it("reaches another service's queue by its URL and another's table by its name", () => {
    expect(deployedEnvironment(stacks, 'beta-service', 'listener')['ALPHA_SERVICE_WORK_QUEUE_URL']).toBe(
      `https://sqs.${TF.region}.amazonaws.com/${TF.account}/shop-dev-alpha-service-work`,
    );
    expect(deployedEnvironment(stacks, 'beta-service', 'lookup')['THINGS_TABLE']).toBe('shop-dev-alpha-service-things');
  });

  it('tells a function that sends e-mail where from', () => {
    expect(deployedEnvironment(stacks, 'alpha-service', 'worker')).toMatchObject({ EMAIL_FROM: TF.platform('email/from'), PAYMENT_WINDOW_SECONDS: '900' });
  });
});
