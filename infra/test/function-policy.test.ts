import { beforeAll, describe, expect, it } from 'vitest';
import type { ServiceManifest } from '@shop/common';
import { findRepoRoot, loadServices } from '@shop/local-cloud/src/services';
import { functionPolicy, UnknownReferenceError } from '../src/iam';
import type { PolicyContext } from '../src/iam';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
let services: ServiceManifest[];
let ctx: PolicyContext;

beforeAll(async () => {
  services = await loadServices(findRepoRoot());
  ctx = { stage: 'dev', region: REGION, accountId: ACCOUNT, userPoolArn: '${userPoolArn}', services };
});

function manifest(name: string): ServiceManifest {
  const found = services.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

const ALL_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const table = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/shop-dev-${name}`;
const logGroup = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/shop-dev-${name}:*`;
const lambda = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-dev-${name}`;

describe('functionPolicy for hand-checked functions', () => {
  it('lets create-product write the products table and nothing else but its logs', () => {
    expect(functionPolicy(manifest('product-service'), 'create-product', ctx)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Dynamodb1',
          Effect: 'Allow',
          Action: [
            'dynamodb:BatchWriteItem',
            'dynamodb:ConditionCheckItem',
            'dynamodb:DeleteItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
          ],
          Resource: [table('product-service-products')],
        },
        { Sid: 'Logs1', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [logGroup('product-service-create-product')] },
      ],
    });
  });

  it('lets create-order use its two tables, query the orders index, invoke three functions and start the checkout', () => {
    expect(functionPolicy(manifest('order-service'), 'create-order', ctx)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Dynamodb1',
          Effect: 'Allow',
          Action: ALL_TABLE_ACTIONS,
          Resource: [table('order-service-idempotency-keys'), table('order-service-orders')],
        },
        {
          Sid: 'Dynamodb2',
          Effect: 'Allow',
          Action: ['dynamodb:Query', 'dynamodb:Scan'],
          Resource: [`${table('order-service-orders')}/index/*`],
        },
        {
          Sid: 'Lambda1',
          Effect: 'Allow',
          Action: ['lambda:InvokeFunction'],
          Resource: [lambda('cart-service-clear-cart'), lambda('cart-service-read-cart'), lambda('product-service-get-products')],
        },
        { Sid: 'Logs1', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [logGroup('order-service-create-order')] },
        {
          Sid: 'States1',
          Effect: 'Allow',
          Action: ['states:StartExecution'],
          Resource: [`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:shop-dev-checkout-orchestrator-checkout`],
        },
      ],
    });
  });

  it("lets reserve-stock read and write its reservations and product-service's products, indexes included", () => {
    expect(functionPolicy(manifest('inventory-service'), 'reserve-stock', ctx)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Dynamodb1',
          Effect: 'Allow',
          Action: ALL_TABLE_ACTIONS,
          Resource: [table('inventory-service-reservations'), table('product-service-products')],
        },
        {
          Sid: 'Dynamodb2',
          Effect: 'Allow',
          Action: ['dynamodb:Query', 'dynamodb:Scan'],
          Resource: [`${table('product-service-products')}/index/*`],
        },
        { Sid: 'Logs1', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [logGroup('inventory-service-reserve-stock')] },
      ],
    });
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
function expectedGrants(service: ServiceManifest, functionName: string): string[] {
  const fn = service.functions[functionName]!;
  const arn = (kind: string, rest: string) => `arn:aws:${kind}:${REGION}:${ACCOUNT}:${rest}`;
  const pairs: string[] = LOG_ACTIONS.map((a) => `${a} ${logGroup(`${service.name}-${functionName}`)}`);
  const tableGrants = (owner: string, name: string, access: string) => {
    const def = services.find((s) => s.name === owner)!.tables[name]!;
    const tableArn = arn('dynamodb', `table/shop-dev-${owner}-${name}`);
    const actions = new Set<string>();
    if (access.includes('read')) ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'ConditionCheckItem'].forEach((a) => actions.add(a));
    if (access.includes('write')) ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'].forEach((a) => actions.add(a));
    for (const a of actions) pairs.push(`dynamodb:${a} ${tableArn}`);
    if (access.includes('read') && def.globalSecondaryIndexes?.length) {
      pairs.push(`dynamodb:Query ${tableArn}/index/*`, `dynamodb:Scan ${tableArn}/index/*`);
    }
  };
  for (const [name, access] of Object.entries(fn.permissions.tables ?? {})) tableGrants(service.name, name, access);
  for (const [ref, access] of Object.entries(fn.permissions.foreignTables ?? {})) {
    const [owner, name] = ref.split('/') as [string, string];
    tableGrants(owner, name, access);
  }
  for (const action of fn.permissions.userPool ?? []) pairs.push(`cognito-idp:${action} \${userPoolArn}`);
  for (const ref of fn.permissions.invokes ?? []) pairs.push(`lambda:InvokeFunction ${arn('lambda', `function:shop-dev-${ref.replace('/', '-')}`)}`);
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
    if (trigger.type !== 'queue') continue;
    const queueArn = arn('sqs', `shop-dev-${trigger.queue.replace('/', '-')}`);
    for (const a of ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes', 'ChangeMessageVisibility']) pairs.push(`sqs:${a} ${queueArn}`);
  }
  return [...new Set(pairs)].sort();
}

describe('functionPolicy for every function of every service', () => {
  const everyFunction = () => services.flatMap((s) => Object.keys(s.functions).map((fn) => ({ service: s, fn })));

  it('covers the functions of all seven services', () => {
    expect(new Set(everyFunction().map((f) => f.service.name)).size).toBe(7);
  });

  it('never grants a wildcard action, and a wildcard resource only for SendTaskSuccess/SendTaskFailure', () => {
    for (const { service, fn } of everyFunction()) {
      for (const statement of functionPolicy(service, fn, ctx).Statement) {
        for (const action of statement.Action) {
          expect(action, `${service.name}/${fn}`).not.toBe('*');
          expect(action.endsWith(':*'), `${service.name}/${fn}: ${action}`).toBe(false);
        }
        if (statement.Resource.includes('*')) {
          expect(statement.Resource, `${service.name}/${fn}`).toEqual(['*']);
          expect(
            statement.Action.every((a) => a === 'states:SendTaskSuccess' || a === 'states:SendTaskFailure'),
            `${service.name}/${fn}: ${statement.Action.join(', ')} on *`,
          ).toBe(true);
        }
      }
    }
  });

  it('grants exactly the pairs the manifest implies, each once, in statements with distinct Sids', () => {
    for (const { service, fn } of everyFunction()) {
      const policy = functionPolicy(service, fn, ctx);
      const granted = policy.Statement.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => `${a} ${r}`)));
      expect(granted.length, `${service.name}/${fn} repeats a grant`).toBe(new Set(granted).size);
      expect(granted.sort(), `${service.name}/${fn}`).toEqual(expectedGrants(service, fn));
      const sids = policy.Statement.map((s) => s.Sid);
      expect(new Set(sids).size).toBe(sids.length);
      for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
    }
  });

  it('gives the same document on every call', () => {
    for (const { service, fn } of everyFunction()) {
      expect(JSON.stringify(functionPolicy(service, fn, ctx))).toBe(JSON.stringify(functionPolicy(service, fn, ctx)));
    }
  });
});
