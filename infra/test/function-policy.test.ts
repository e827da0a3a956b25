import { beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot, loadManifests, type ServiceManifest, tableGrant } from '@shop/platform';
import { functionPolicy, UnknownReferenceError, WILDCARD_RESOURCE_ACTIONS } from '../src/iam';
import type { PolicyContext } from '../src/iam';
import { alpha, beta } from './support/synthetic-services';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
let services: ServiceManifest[];
let ctx: PolicyContext;

beforeAll(async () => {
  services = await loadManifests(findRepoRoot());
  ctx = { stage: 'dev', region: REGION, accountId: ACCOUNT, userPoolArn: '${userPoolArn}', emailIdentityArn: '${emailIdentityArn}', emailFrom: '${emailFrom}', services };
});

function manifest(name: string): ServiceManifest {
  const found = services.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

/** What AWS documents for a grant limited to some attributes (fine-grained access control). */
const ONLY_ATTRIBUTES = (attributes: string[]) => ({
  'ForAllValues:StringEquals': { 'dynamodb:Attributes': attributes },
  StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES', 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
});
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const table = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/shop-dev-${name}`;
const logGroup = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/shop-dev-${name}:*`;
/** A function's `live` alias: callers may invoke that and nothing else of it. */
const lambda = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-dev-${name}:live`;
const CONFIGURATION_SET = `arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/shop-dev-email`;

describe('functionPolicy for hand-checked functions', () => {
  it('lets create-product put items in the products table, and read the one a retried Idempotency-Key made, and nothing else but its logs', () => {
    expect(functionPolicy(manifest('product-service'), 'create-product', ctx)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Dynamodb1', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [table('product-service-products')] },
        { Sid: 'Logs1', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [logGroup('product-service-create-product')] },
      ],
    });
  });

  it("lets create-order claim its idempotency key, count the customer's open orders, send its order's start check, write its order, invoke three functions, fire one and start the checkout", () => {
    expect(functionPolicy(manifest('order-service'), 'create-order', ctx)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Dynamodb1', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [table('order-service-idempotency-keys'), table('order-service-open-orders')] },
        {
          Sid: 'Dynamodb2',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: [table('order-service-orders')],
        },
        {
          Sid: 'Lambda1',
          Effect: 'Allow',
          Action: ['lambda:InvokeFunction'],
          Resource: [
            lambda('analytics-service-stream-processor'),
            lambda('cart-service-clear-cart'),
            lambda('cart-service-read-cart'),
            lambda('product-service-get-products'),
          ],
        },
        { Sid: 'Logs1', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [logGroup('order-service-create-order')] },
        { Sid: 'Sqs1', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [`arn:aws:sqs:${REGION}:${ACCOUNT}:shop-dev-order-service-checkout-start-checks`] },
        {
          Sid: 'States1',
          Effect: 'Allow',
          Action: ['states:StartExecution'],
          Resource: [`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:shop-dev-checkout-orchestrator-checkout`],
        },
      ],
    });
  });

  it("lets reserve-stock write its reservation, and change only the stock of product-service's products", () => {
    expect(functionPolicy(manifest('inventory-service'), 'reserve-stock', ctx)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Dynamodb1', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [table('inventory-service-reservations')] },
        {
          Sid: 'Dynamodb2',
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem'],
          Resource: [table('product-service-products')],
          // The key, the stock, and `listing`, which its condition reads: not the name, the price or anything else.
          Condition: ONLY_ATTRIBUTES(['listing', 'productId', 'stock']),
        },
        { Sid: 'Logs1', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [logGroup('inventory-service-reserve-stock')] },
      ],
    });
  });

  it('lets list-orders query the by-user index of orders, and neither the table itself nor any other index', () => {
    const statements = functionPolicy(manifest('order-service'), 'list-orders', ctx).Statement;
    expect(statements.filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')))).toEqual([
      { Sid: 'Dynamodb1', Effect: 'Allow', Action: ['dynamodb:Query'], Resource: [`${table('order-service-orders')}/index/by-user`] },
    ]);
  });

  it("limits every inventory function that touches product-service's products to its stock attributes", () => {
    const inventory = manifest('inventory-service');
    const products = table('product-service-products');
    const touching = Object.keys(inventory.functions).filter((fn) =>
      functionPolicy(inventory, fn, ctx).Statement.some((s) => s.Resource.includes(products)),
    );
    expect(touching.sort()).toEqual(['adjust-stock', 'check-availability', 'list-stock-adjustments', 'release-stock', 'reserve-stock']);
    for (const fn of touching) {
      for (const statement of functionPolicy(inventory, fn, ctx).Statement.filter((s) => s.Resource.includes(products))) {
        expect(statement.Resource, fn).toEqual([products]);
        expect(statement.Condition, fn).toEqual(ONLY_ATTRIBUTES(['listing', 'productId', 'stock']));
      }
    }
  });

  it('refuses a manifest that queries an index its table does not declare', () => {
    const orders = manifest('order-service');
    const broken: ServiceManifest = {
      ...orders,
      functions: { ...orders.functions, 'list-orders': { ...orders.functions['list-orders']!, permissions: { tables: { orders: { indexes: { 'by-status': ['Query'] } } } } } },
    };
    expect(() => functionPolicy(broken, 'list-orders', ctx)).toThrow(UnknownReferenceError);
  });

  it('gives login the user pool action it names and no DynamoDB access at all', () => {
    const actions = functionPolicy(manifest('user-service'), 'login', ctx).Statement.flatMap((s) => s.Action);
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    expect(actions).toContain('cognito-idp:InitiateAuth');
  });

  it('refuses a manifest that invokes a function no service declares', () => {
    const orders = manifest('order-service');
    const broken: ServiceManifest = {
      ...orders,
      functions: {
        ...orders.functions,
        'get-order': { ...orders.functions['get-order']!, permissions: { invokes: ['cart-service/no-such-function'] } },
      },
    };
    expect(() => functionPolicy(broken, 'get-order', ctx)).toThrow(UnknownReferenceError);
  });
});

/** What the manifest entry of one function implies, as `action resource` pairs, derived here independently of the implementation. */
function expectedGrants(all: readonly ServiceManifest[], service: ServiceManifest, functionName: string): string[] {
  const fn = service.functions[functionName]!;
  const arn = (kind: string, rest: string) => `arn:aws:${kind}:${REGION}:${ACCOUNT}:${rest}`;
  const pairs: string[] = LOG_ACTIONS.map((a) => `${a} ${logGroup(`${service.name}-${functionName}`)}`);
  const tableGrants = (owner: string, name: string, access: Parameters<typeof tableGrant>[0]) => {
    const tableArn = arn('dynamodb', `table/shop-dev-${owner}-${name}`);
    const { actions, indexes } = tableGrant(access);
    for (const a of actions) pairs.push(`dynamodb:${a} ${tableArn}`);
    for (const [index, indexActions] of Object.entries(indexes)) for (const a of indexActions) pairs.push(`dynamodb:${a} ${tableArn}/index/${index}`);
  };
  for (const [name, access] of Object.entries(fn.permissions.tables ?? {})) tableGrants(service.name, name, access);
  for (const [ref, access] of Object.entries(fn.permissions.foreignTables ?? {})) {
    const [owner, name] = ref.split('/') as [string, string];
    tableGrants(owner, name, access);
  }
  for (const action of fn.permissions.userPool ?? []) pairs.push(`cognito-idp:${action} \${userPoolArn}`);
  for (const ref of [...(fn.permissions.invokes ?? []), ...(fn.permissions.invokesAsync ?? [])]) {
    pairs.push(`lambda:InvokeFunction ${arn('lambda', `function:shop-dev-${ref.replace('/', '-')}:live`)}`);
  }
  if (fn.permissions.publishes) pairs.push(`events:PutEvents ${arn('events', 'event-bus/shop-dev-events')}`);
  if (fn.permissions.messages?.includes('email')) {
    pairs.push('ses:SendEmail ${emailIdentityArn}', `ses:SendEmail ${arn('ses', 'configuration-set/shop-dev-email')}`, `ses:SendEmail ${arn('ses', 'identity/*')}`);
  }
  if (fn.permissions.messages?.includes('sms')) pairs.push('sns:Publish *');
  if (fn.asyncInvoke) pairs.push(`sqs:SendMessage ${arn('sqs', `shop-dev-${fn.asyncInvoke.onFailure.replace('/', '-')}`)}`);
  for (const ref of fn.permissions.sendsTo ?? []) pairs.push(`sqs:SendMessage ${arn('sqs', `shop-dev-${ref.replace('/', '-')}`)}`);
  for (const [ref, actions] of Object.entries(fn.permissions.stateMachines ?? {})) {
    const machine = `shop-dev-${ref.replace('/', '-')}`;
    for (const action of actions) {
      const resource =
        action === 'StartExecution'
          ? arn('states', `stateMachine:${machine}`)
          : action === 'DescribeExecution'
            ? arn('states', `execution:${machine}:*`)
            : '*';
      pairs.push(`states:${action} ${resource}`);
    }
  }
  for (const trigger of fn.triggers) {
    if (trigger.type === 'queue') {
      const queueArn = arn('sqs', `shop-dev-${trigger.queue.replace('/', '-')}`);
      for (const a of ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes', 'ChangeMessageVisibility']) pairs.push(`sqs:${a} ${queueArn}`);
    }
    if (trigger.type === 'table-stream') {
      const streams = `${arn('dynamodb', `table/shop-dev-${trigger.table.replace('/', '-')}`)}/stream/*`;
      for (const a of ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams']) pairs.push(`dynamodb:${a} ${streams}`);
      pairs.push(`sqs:SendMessage ${arn('sqs', `shop-dev-${trigger.onFailure.replace('/', '-')}`)}`);
    }
  }
  return [...new Set(pairs)].sort();
}

/** The rules every function's policy keeps, for the services `all()` names. */
function everyFunctionKeepsTheRules(label: string, all: () => readonly ServiceManifest[], context: () => PolicyContext): void {
  describe(`functionPolicy for every function of ${label}`, () => {
    const everyFunction = () => all().flatMap((s) => Object.keys(s.functions).map((fn) => ({ service: s, fn })));

    it('has functions to check', () => {
      expect(everyFunction().length).toBeGreaterThan(3);
    });

    it('never grants a wildcard action, and a wildcard resource only for task tokens and SMS', () => {
      for (const { service, fn } of everyFunction()) {
        for (const statement of functionPolicy(service, fn, context()).Statement) {
          for (const action of statement.Action) {
            expect(action, `${service.name}/${fn}`).not.toBe('*');
            expect(action.endsWith(':*'), `${service.name}/${fn}: ${action}`).toBe(false);
          }
          if (statement.Resource.includes('*')) {
            expect(statement.Resource, `${service.name}/${fn}`).toEqual(['*']);
            expect(
              statement.Action.every((a) => ['states:SendTaskSuccess', 'states:SendTaskFailure', 'sns:Publish'].includes(a)),
              `${service.name}/${fn}: ${statement.Action.join(', ')} on *`,
            ).toBe(true);
          }
        }
      }
    });

    it('grants exactly the pairs the manifest implies, each once, in statements with distinct Sids', () => {
      for (const { service, fn } of everyFunction()) {
        const policy = functionPolicy(service, fn, context());
        const granted = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => `${a} ${r}`)));
        expect(granted.length, `${service.name}/${fn} repeats a grant`).toBe(new Set(granted).size);
        expect(granted.sort(), `${service.name}/${fn}`).toEqual(expectedGrants(all(), service, fn));
        const sids = policy.Statement.map((s) => s.Sid);
        expect(new Set(sids).size).toBe(sids.length);
        for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
      }
    });

    it("limits events:PutEvents to the function's own source and detail types, table grants to their attributes, e-mail to any identity to the shop's sender, and conditions nothing else", () => {
      for (const { service, fn } of everyFunction()) {
        const publishes = service.functions[fn]!.permissions.publishes;
        for (const statement of functionPolicy(service, fn, context()).Statement) {
          if (statement.Resource.some((r) => r.endsWith(':identity/*'))) {
            expect(statement.Action, `${service.name}/${fn} ${statement.Sid}`).toEqual(['ses:SendEmail']);
            expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': '${emailFrom}' } });
            continue;
          }
          if (statement.Condition?.['ForAllValues:StringEquals']?.['dynamodb:Attributes']) {
            expect(statement.Action.every((a) => a.startsWith('dynamodb:')), `${service.name}/${fn} ${statement.Sid}`).toBe(true);
            expect(Object.keys(statement.Condition).sort()).toEqual(['ForAllValues:StringEquals', 'StringEqualsIfExists']);
            continue;
          }
          if (!statement.Action.includes('events:PutEvents')) {
            expect(statement.Condition, `${service.name}/${fn} ${statement.Sid}`).toBeUndefined();
            continue;
          }
          expect(statement.Action).toEqual(['events:PutEvents']);
          expect(statement.Condition).toEqual({
            StringEquals: { 'events:source': publishes!.source },
            'ForAllValues:StringEquals': { 'events:detail-type': [...publishes!.detailTypes].sort() },
          });
        }
      }
    });

    it('gives the same document on every call', () => {
      for (const { service, fn } of everyFunction()) {
        expect(JSON.stringify(functionPolicy(service, fn, context()))).toBe(JSON.stringify(functionPolicy(service, fn, context())));
      }
    });
  });
}

everyFunctionKeepsTheRules('every service in the repository', () => services, () => ctx);
everyFunctionKeepsTheRules('the made-up services of every kind', () => [alpha, beta], () => ({ ...ctx, services: [alpha, beta] }));

describe('functionPolicy for every kind of permission and trigger', () => {
  const synthetic = (): PolicyContext => ({ ...ctx, services: [alpha, beta] });
  const queue = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:shop-dev-${name}`;

  it('lets a publisher put only its own events on the bus, fire a function, invoke one and start its flow', () => {
    const statements = functionPolicy(alpha, 'api-handler', synthetic()).Statement;
    expect(statements.find((s) => s.Sid === 'Events1')).toEqual({
      Sid: 'Events1',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/shop-dev-events`],
      Condition: {
        StringEquals: { 'events:source': 'shop.things' },
        'ForAllValues:StringEquals': { 'events:detail-type': ['ThingChanged', 'ThingCreated'] },
      },
    });
    expect(statements.find((s) => s.Sid === 'Lambda1')?.Resource).toEqual([lambda('beta-service-lookup'), lambda('beta-service-record')]);
    expect(statements.find((s) => s.Action.includes('states:DescribeExecution'))?.Resource).toEqual([
      `arn:aws:states:${REGION}:${ACCOUNT}:execution:shop-dev-alpha-service-flow:*`,
    ]);
  });

  it('grants table actions on the table and index queries on that index only, and limits a foreign grant to its attributes', () => {
    const things = table('alpha-service-things');
    expect(functionPolicy(alpha, 'api-handler', synthetic()).Statement.filter((s) => s.Sid.startsWith('Dynamodb'))).toEqual([
      { Sid: 'Dynamodb1', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: [things] },
      { Sid: 'Dynamodb2', Effect: 'Allow', Action: ['dynamodb:Query'], Resource: [`${things}/index/by-owner`] },
    ]);
    expect(functionPolicy(beta, 'lookup', synthetic()).Statement.filter((s) => s.Sid.startsWith('Dynamodb'))).toEqual([
      { Sid: 'Dynamodb1', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [things], Condition: ONLY_ATTRIBUTES(['ownerId', 'thingId', 'version']) },
    ]);
  });

  it('lets a function that messages people send e-mail as the sender identity and SMS', () => {
    const statements = functionPolicy(alpha, 'worker', synthetic()).Statement;
    // What only "*" allows shares one statement: SMS, and the task token it reports with.
    expect(statements.filter((s) => s.Sid.startsWith('Ses') || s.Sid === 'Sns1' || s.Effect === 'Deny')).toEqual([
      { Sid: 'Ses1', Effect: 'Allow', Action: ['ses:SendEmail'], Resource: ['${emailIdentityArn}', CONFIGURATION_SET] },
      // In the SES sandbox each recipient is authorized too: any identity, only from the shop's address.
      { Sid: 'Ses2', Effect: 'Allow', Action: ['ses:SendEmail'], Resource: [`arn:aws:ses:${REGION}:${ACCOUNT}:identity/*`], Condition: { StringEquals: { 'ses:FromAddress': '${emailFrom}' } } },
      { Sid: 'Sns1', Effect: 'Allow', Action: ['sns:Publish', 'states:SendTaskSuccess'], Resource: ['*'] },
      // SMS to phone numbers only: publishing to any topic or endpoint, which all have ARNs, is denied.
      { Sid: 'SmsOnlyNoTopics', Effect: 'Deny', Action: ['sns:Publish'], Resource: ['arn:aws:sns:*:*:*'] },
    ]);
  });

  it("lets a stream consumer read another service's table stream and report failures to its dead-letter queue, and nothing else", () => {
    expect(functionPolicy(beta, 'follower', synthetic())).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Dynamodb1',
          Effect: 'Allow',
          Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
          Resource: [`${table('alpha-service-things')}/stream/*`],
        },
        { Sid: 'Logs1', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [logGroup('beta-service-follower')] },
        { Sid: 'Sqs1', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [queue('beta-service-dropped')] },
      ],
    });
  });

  it('lets a function invoked asynchronously send its failures to its dead-letter queue', () => {
    expect(functionPolicy(alpha, 'on-alert', synthetic()).Statement).toEqual([
      { Sid: 'Logs1', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [logGroup('alpha-service-on-alert')] },
      { Sid: 'Sqs1', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [queue('alpha-service-failed')] },
    ]);
  });

  it('refuses an on-failure destination that is no dead-letter queue', () => {
    const broken: ServiceManifest = { ...alpha, functions: { ...alpha.functions, 'on-alert': { ...alpha.functions['on-alert'], asyncInvoke: { maximumRetryAttempts: 1, onFailure: 'alpha-service/work' } } } };
    expect(() => functionPolicy(broken, 'on-alert', synthetic())).toThrow(UnknownReferenceError);
  });

  it('documents why each action granted on "*" cannot be narrower', () => {
    expect(Object.keys(WILDCARD_RESOURCE_ACTIONS).sort()).toEqual(['sns:Publish', 'states:SendTaskFailure', 'states:SendTaskSuccess']);
  });

  it("lets order-events publish exactly the order events, read the orders stream, ask for refunds, and dead-letter what it cannot publish", () => {
    expect(functionPolicy(manifest('order-events'), 'publish-order-events', ctx)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Dynamodb1',
          Effect: 'Allow',
          Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
          Resource: [`${table('order-service-orders')}/stream/*`],
        },
        {
          Sid: 'Events1',
          Effect: 'Allow',
          Action: ['events:PutEvents'],
          Resource: [`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/shop-dev-events`],
          Condition: {
            StringEquals: { 'events:source': 'shop.orders' },
            'ForAllValues:StringEquals': { 'events:detail-type': ['OrderCancelled', 'OrderCreated', 'OrderPaid', 'OrderPaymentFailed', 'OrderRefunded'] },
          },
        },
        { Sid: 'Logs1', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [logGroup('order-events-publish-order-events')] },
        {
          Sid: 'Sqs1',
          Effect: 'Allow',
          Action: ['sqs:SendMessage'],
          Resource: [queue('order-events-unpublished-changes'), queue('payment-service-refunds')],
        },
      ],
    });
  });
});
