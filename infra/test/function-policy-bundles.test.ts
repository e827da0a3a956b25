import { beforeAll, describe, expect, it } from 'vitest';
import type { ServiceManifest, TableAction } from '@shop/platform';
import { findRepoRoot, loadManifests } from '@shop/platform';
import { functionPolicy, type PolicyContext } from '../src/iam';
import { BundleActions, dynamoActionsInSource } from './support/bundle-dynamodb-actions';

/**
 * The DynamoDB actions each function's policy grants, held to what its built bundle can call
 * (test/support/bundle-dynamodb-actions.ts says how that is read, and what it cannot tell). The
 * bundles are those `dist/` holds: infra's test target builds every service first.
 *
 * Judged per function, not per table: a bundle that calls GetCommand is taken to call it on any
 * table the function names, so a GetItem granted on the wrong one of two tables passes here. What
 * fails is a grant of an action no code in the bundle names (Scan, DeleteItem, BatchWriteItem
 * kept "just in case"), and a function whose bundle calls DynamoDB with no table granted at all.
 */

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
/** The actions of a stream mapping: Lambda's poller calls them with the function's role, not its code. */
const STREAM_ACTIONS = new Set(['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams']);

let services: ServiceManifest[];
let ctx: PolicyContext;
let bundles: BundleActions;

beforeAll(async () => {
  const root = findRepoRoot();
  services = await loadManifests(root);
  ctx = { stage: 'dev', region: REGION, accountId: ACCOUNT, userPoolArn: '${userPoolArn}', emailIdentityArn: '${emailIdentityArn}', emailFrom: '${emailFrom}', services };
  bundles = new BundleActions(root);
});

/** The item actions a policy grants on any table or index. */
function grantedTableActions(service: ServiceManifest, functionName: string): Set<string> {
  const granted = new Set<string>();
  for (const statement of functionPolicy(service, functionName, ctx).Statement) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of statement.Action) {
      const [prefix, name] = action.split(':') as [string, string];
      if (prefix === 'dynamodb' && !STREAM_ACTIONS.has(name)) granted.add(name);
    }
  }
  return granted;
}

/** What a policy grants beyond what the bundle can call, as `service/function: action` lines. */
function unusedGrants(service: ServiceManifest, functionName: string, callable: ReadonlySet<TableAction>): string[] {
  return [...grantedTableActions(service, functionName)]
    .filter((action) => !callable.has(action as TableAction))
    .map((action) => `${service.name}/${functionName}: dynamodb:${action}`);
}

const everyFunction = () => services.flatMap((s) => Object.keys(s.functions).map((fn) => ({ service: s, fn })));

describe('the DynamoDB grants of every function, against its bundle', () => {
  it('grants no action its bundle never calls', () => {
    const unused = everyFunction().flatMap(({ service, fn }) => unusedGrants(service, fn, bundles.of(service.name, fn)));
    expect(unused, 'granted, and called by no code in the bundle: take them out of the manifest').toEqual([]);
  });

  it('grants some table to every function whose bundle calls DynamoDB', () => {
    const ungranted = everyFunction()
      .filter(({ service, fn }) => bundles.of(service.name, fn).size > 0 && grantedTableActions(service, fn).size === 0)
      .map(({ service, fn }) => `${service.name}/${fn}`);
    expect(ungranted).toEqual([]);
  });

  it('finds the calls it judges by: the reservation transaction, the batch read, the paginated query and Powertools', () => {
    expect([...bundles.of('inventory-service', 'reserve-stock')].sort()).toEqual(['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem']);
    expect(bundles.of('product-service', 'list-products').has('Query')).toBe(true);
    expect([...bundles.of('notification-service', 'send-notification')].sort()).toEqual(['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem']);
    // lib-dynamodb's paginators put ScanCommand in every bundle that uses the document client; no code of ours calls it.
    expect(everyFunction().filter(({ service, fn }) => bundles.of(service.name, fn).has('Scan'))).toEqual([]);
    expect(bundles.of('user-service', 'login').size).toBe(0);
  });

  it('fails a function granted an action its bundle never calls', () => {
    const products = services.find((s) => s.name === 'product-service')!;
    const greedy: ServiceManifest = {
      ...products,
      functions: {
        ...products.functions,
        'get-product': { ...products.functions['get-product']!, permissions: { tables: { products: ['GetItem', 'Scan', 'DeleteItem'] } } },
      },
    };
    expect(unusedGrants(greedy, 'get-product', bundles.of('product-service', 'get-product'))).toEqual([
      'product-service/get-product: dynamodb:DeleteItem',
      'product-service/get-product: dynamodb:Scan',
    ]);
  });
});

describe('reading the DynamoDB actions a source file calls', () => {
  it('maps document-client and low-level commands to their IAM actions', () => {
    const source = `
      import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
      import { DeleteItemCommand, BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
      type In = UpdateCommandInput; // a type is no call
    `;
    expect([...dynamoActionsInSource(source)].sort()).toEqual(['BatchWriteItem', 'DeleteItem', 'GetItem', 'Query']);
  });

  it('authorizes a write transaction by its items, and a read transaction as GetItem', () => {
    const transaction = `new TransactWriteCommand({ TransactItems: [{ Update: { TableName: t } }, { ConditionCheck: { TableName: u } }] })`;
    expect([...dynamoActionsInSource(transaction)].sort()).toEqual(['ConditionCheckItem', 'UpdateItem']);
    expect([...dynamoActionsInSource('new TransactGetCommand({ TransactItems: [{ Get: {} }] })')]).toEqual(['GetItem']);
    // Item-shaped keys outside a file that writes a transaction are not transaction items.
    expect([...dynamoActionsInSource('const verbs = { Put: { label: "put" } };')]).toEqual([]);
  });
});
