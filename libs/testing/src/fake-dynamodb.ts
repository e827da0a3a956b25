import { type CancellationReason, ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ServiceManifest } from '@shop/platform';
import { afterAll, afterEach, beforeEach } from '@vitest/runner';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { requestsOutsideGrant, type SentCommand } from './table-grants';

type Item = Record<string, unknown>;
/** The commands the fake answers, as a test names them to arm a failure. */
export type FakeDynamoDBCommand =
  | typeof BatchGetCommand
  | typeof DeleteCommand
  | typeof GetCommand
  | typeof PutCommand
  | typeof QueryCommand
  | typeof TransactWriteCommand
  | typeof UpdateCommand;
/** What a conditional write says of its condition, alone or in a transaction. */
type Conditional = {
  ConditionExpression?: string | undefined;
  ExpressionAttributeNames?: Names;
  ExpressionAttributeValues?: Values;
  ReturnValuesOnConditionCheckFailure?: string | undefined;
};
/** A table's or an index's key: its partition key attribute, or its partition and sort key attributes. */
type KeySchema = string | readonly [string, string];
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

/**
 * An in-memory stand-in for the item-keyed DynamoDB calls the services' adapters make (Get,
 * BatchGet, conditional Put, Update with SET / REMOVE / ADD on nested paths, Delete, and
 * TransactWrite of those with ConditionChecks), installed behind
 * aws-sdk-client-mock. It evaluates the condition and update expressions the adapters send, so a
 * test sees what a user would (the order ends PAID, a charge is refunded once) and a wrong
 * expression fails the test. It understands the expression grammar the adapters use, no more;
 * a Query reads one partition (`pk = :v`, of the table or of an index declared to the constructor)
 * in sort key order, paged by Limit and ExclusiveStartKey; other key conditions, filters and scans
 * are for DynamoDB Local (the services' integration tests).
 * A failure no table state can cause (a throttle, a timeout) is armed with `failNext`.
 */
export class FakeDynamoDB {
  private readonly tables = new Map<string, Map<unknown, Item>>();
  private readonly armed = new Map<FakeDynamoDBCommand, ((input: never) => void)[]>();
  /** Per table, the keys the next BatchGets leave unprocessed, and how many more times. */
  private readonly unprocessed = new Map<string, Map<unknown, number>>();

  /** Each table's key, and the key of each index a test queries (`{ table: { index: ['pk', 'sk'] } }`). */
  constructor(
    private readonly keys: Record<string, KeySchema>,
    private readonly indexes: Record<string, Record<string, KeySchema>> = {},
  ) {}

  install(ddb: AwsClientStub<DynamoDBDocumentClient>): this {
    // The adapters' nested writes (`charges.#charge.refund`) and their conditions are evaluated too.
    ddb.on(GetCommand).callsFake((input: GetCommandInput) => {
      this.runArmed(GetCommand, input);
      const item = this.find(input.TableName as string, input.Key as Item);
      return item ? { Item: project(item, input.ProjectionExpression, input.ExpressionAttributeNames) } : {};
    });
    ddb.on(PutCommand).callsFake((input: PutCommandInput) => {
      this.runArmed(PutCommand, input);
      this.failUnless(input.TableName as string, input.Item as Item, input);
      this.write(input.TableName as string, input.Item as Item);
      return {};
    });
    ddb.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
      this.runArmed(UpdateCommand, input);
      this.failUnless(input.TableName as string, input.Key as Item, input);
      const next = this.update(input);
      return input.ReturnValues === 'ALL_NEW' ? { Attributes: structuredClone(next) } : {};
    });
    ddb.on(DeleteCommand).callsFake((input: DeleteCommandInput) => {
      this.runArmed(DeleteCommand, input);
      this.failUnless(input.TableName as string, input.Key as Item, input);
      this.table(input.TableName as string).delete(this.keyOf(input.TableName as string, input.Key as Item));
      return {};
    });
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      this.runArmed(BatchGetCommand, input);
      const responses: Record<string, Item[]> = {};
      const unprocessed: Record<string, { Keys: Item[] }> = {};
      for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
        const keys = (request.Keys ?? []) as Item[];
        const left = keys.filter((key) => this.takeUnprocessed(table, key));
        const found = keys.filter((key) => !left.includes(key)).map((key) => this.find(table, key));
        responses[table] = found.filter((item) => item !== undefined).map((item) => project(item, request.ProjectionExpression, request.ExpressionAttributeNames));
        if (left.length > 0) unprocessed[table] = { ...request, Keys: left };
      }
      return { Responses: responses, UnprocessedKeys: unprocessed };
    });
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      this.runArmed(QueryCommand, input);
      return this.query(input);
    });
    // All or nothing: every condition is checked first, and one that fails cancels the lot with a reason per item.
    ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      this.runArmed(TransactWriteCommand, input);
      const actions = (input.TransactItems ?? []).map(transactAction);
      const reasons = actions.map(({ table, key, request }) => this.reason(table, key, request));
      if (reasons.some((reason) => reason.Code !== 'None')) {
        throw new TransactionCanceledException({ message: 'Transaction cancelled, please refer cancellation reasons for specific reasons', $metadata: {}, CancellationReasons: reasons });
      }
      for (const { kind, table, key, request } of actions) {
        if (kind === 'Put') this.write(table, key);
        if (kind === 'Update') this.update(request as UpdateCommandInput);
        if (kind === 'Delete') this.table(table).delete(this.keyOf(table, key));
      }
      return {};
    });
    return this;
  }

  /** Makes the next call of `command` throw `error` and change nothing; calls after it are answered again. */
  failNext(command: FakeDynamoDBCommand, error: Error): this {
    return this.beforeNext(command, () => {
      throw error;
    });
  }

  /** Makes the next `times` BatchGets that ask for `key` leave it unprocessed, as DynamoDB does when it throttles. */
  leaveUnprocessed(tableName: string, key: object, times = 1): this {
    const keys = this.unprocessed.get(tableName) ?? new Map<unknown, number>();
    const value = this.keyOf(tableName, key as Item);
    this.unprocessed.set(tableName, keys.set(value, (keys.get(value) ?? 0) + times));
    return this;
  }

  /**
   * Runs `act` (given the call's input) just before the next call of `command` is answered: how a test
   * stages a race, another writer getting in between the adapter's read and its write, whose condition
   * then fails as it would.
   */
  beforeNext<C extends FakeDynamoDBCommand>(command: C, act: (input: InstanceType<C>['input']) => void): this {
    this.armed.set(command, [...(this.armed.get(command) ?? []), act]);
    return this;
  }

  put(tableName: string, item: object): void {
    this.write(tableName, item as Item);
  }

  /** The item under `key`: the partition key's value, or for a table with a sort key, the key as an object. */
  get(tableName: string, key: unknown): Item | undefined {
    const item = typeof key === 'object' && key !== null ? this.find(tableName, key as Item) : this.table(tableName).get(key);
    return item && structuredClone(item);
  }

  /** Deletes the item under `key` (as `get` takes it): how a test stages another request deleting it. */
  delete(tableName: string, key: unknown): void {
    this.table(tableName).delete(typeof key === 'object' && key !== null ? this.keyOf(tableName, key as Item) : key);
  }

  items(tableName: string): Item[] {
    return [...this.table(tableName).values()].map((item) => structuredClone(item));
  }

  private query(input: QueryCommandInput): { Items: Item[]; LastEvaluatedKey?: Item } {
    const table = input.TableName as string;
    const tableKey = this.schema(table);
    const schema = input.IndexName ? this.indexes[table]?.[input.IndexName] : tableKey;
    if (!schema) throw new Error(`FakeDynamoDB: unknown index ${input.IndexName} of ${table}`);
    const [partition, sort] = typeof schema === 'string' ? [schema, undefined] : schema;
    const m = (input.KeyConditionExpression ?? '').match(/^([#\w]+) = (:\w+)$/);
    if (!m || name(m[1]!, input.ExpressionAttributeNames) !== partition) throw new Error(`FakeDynamoDB: cannot query "${input.KeyConditionExpression}"`);
    const wanted = value(m[2]!, input.ExpressionAttributeValues);
    // An index holds only the items that carry its keys (a sparse index); ties on the sort key go by the table's key.
    const keyAttributes = [...new Set([...(sort ? [sort] : []), ...(typeof tableKey === 'string' ? [tableKey] : tableKey)])];
    const position = (item: Item) => keyAttributes.map((attribute) => item[attribute] as string | number);
    const direction = input.ScanIndexForward === false ? -1 : 1;
    const order = (a: Item, b: Item) => direction * compareTuples(position(a), position(b));
    const matching = this.items(table).filter((item) => item[partition] === wanted && (!sort || item[sort] !== undefined)).sort(order);
    const start = input.ExclusiveStartKey as Item | undefined;
    const after = start ? matching.filter((item) => order(item, start) > 0) : matching;
    const page = input.Limit === undefined ? after : after.slice(0, input.Limit);
    const last = page[page.length - 1];
    // As DynamoDB, a page the Limit filled carries a LastEvaluatedKey, even when nothing follows it.
    const more = input.Limit !== undefined && after.length >= input.Limit && last;
    const lastKey = more ? Object.fromEntries([partition, ...keyAttributes].map((attribute) => [attribute, last[attribute]])) : undefined;
    return { Items: page, ...(lastKey && { LastEvaluatedKey: lastKey }) };
  }

  private schema(tableName: string): KeySchema {
    const schema = this.keys[tableName];
    if (!schema) throw new Error(`FakeDynamoDB: unknown table ${tableName}`);
    return schema;
  }

  private find(tableName: string, key: Item): Item | undefined {
    return this.table(tableName).get(this.keyOf(tableName, key));
  }

  private write(tableName: string, item: Item): void {
    this.table(tableName).set(this.keyOf(tableName, item), structuredClone(item));
  }

  private update(input: UpdateCommandInput): Item {
    const table = input.TableName as string;
    const current = this.find(table, input.Key as Item);
    const next = applyUpdate({ ...structuredClone(current ?? {}), ...input.Key }, input.UpdateExpression as string, input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    this.write(table, next);
    return next;
  }

  private holds(tableName: string, key: Item, request: Conditional): boolean {
    return !request.ConditionExpression || evaluate(request.ConditionExpression, this.find(tableName, key) ?? {}, request.ExpressionAttributeNames, request.ExpressionAttributeValues);
  }

  /** Why a transaction item would be refused, or `None`; with the item as it was when it asks for ALL_OLD. */
  private reason(tableName: string, key: Item, request: Conditional): CancellationReason {
    if (this.holds(tableName, key, request)) return { Code: 'None' };
    const item = this.find(tableName, key);
    const old = request.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && item ? { Item: marshall(item) } : {};
    return { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...old };
  }

  /** As DynamoDB, a refused write can carry the item as it was (`ALL_OLD`), in the wire format. */
  private failUnless(tableName: string, key: Item, request: Conditional): void {
    if (this.holds(tableName, key, request)) return;
    const item = this.find(tableName, key);
    const old = request.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && item ? { Item: marshall(item) } : {};
    throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...old });
  }

  private runArmed<C extends FakeDynamoDBCommand>(command: C, input: InstanceType<C>['input']): void {
    (this.armed.get(command)?.shift() as ((input: InstanceType<C>['input']) => void) | undefined)?.(input);
  }

  private takeUnprocessed(tableName: string, key: Item): boolean {
    const keys = this.unprocessed.get(tableName);
    const value = this.keyOf(tableName, key);
    const times = keys?.get(value) ?? 0;
    if (times > 0) keys?.set(value, times - 1);
    return times > 0;
  }

  private table(name: string): Map<unknown, Item> {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, (table = new Map()));
    return table;
  }

  private keyOf(tableName: string, item: Item): unknown {
    const attributes = this.schema(tableName);
    return typeof attributes === 'string' ? item[attributes] : JSON.stringify(attributes.map((attribute) => item[attribute]));
  }


}

/** What {@link useFakeDynamoDB} hands a test file. */
export interface FakeDynamoDBHooks {
  /** The stubbed document client, to arm other answers or read the commands sent. */
  ddb: AwsClientStub<DynamoDBDocumentClient>;
  /** The fake of the test that is running: a new, empty one each test. */
  db: () => FakeDynamoDB;
}

/**
 * Fakes DynamoDB for the tests of the suite it is called in: stubs the document client, gives each
 * test a new, empty {@link FakeDynamoDB} (the stub reset first, so what one test armed does not
 * reach the next), and restores the client after the suite.
 *
 * The hooks are `@vitest/runner`'s, which `vitest` re-exports: the tools that load this lib run
 * it as CommonJS under tsx, where requiring `vitest` throws.
 *
 * With `grantedTo`, every test also fails when the function sent a request its manifest does not
 * grant, as the IAM policy infra renders from it would refuse it on AWS ({@link requestsOutsideGrant}):
 * an action on a table it has no grant for, or, on a grant limited to some attributes, a request
 * that names others.
 *
 * @param keys - Each table's key, as {@link FakeDynamoDB} takes them.
 * @param indexes - The key of each index a test queries, as {@link FakeDynamoDB} takes them.
 * @param options.grantedTo - The function whose grants the requests are held to: its service's manifest and its name.
 * @returns The stub, and the fake of the running test (which throws before the first test starts).
 * @example
 * const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'get-order'] });
 * beforeEach(() => db().put(ORDERS_TABLE, storedOrder()));
 */
export function useFakeDynamoDB(
  keys: Record<string, KeySchema>,
  indexes: Record<string, Record<string, KeySchema>> = {},
  options: { grantedTo?: readonly [manifest: ServiceManifest, functionName: string] } = {},
): FakeDynamoDBHooks {
  const ddb = mockClient(DynamoDBDocumentClient);
  let current: FakeDynamoDB | undefined;
  beforeEach(() => {
    ddb.reset();
    current = new FakeDynamoDB(keys, indexes).install(ddb);
  });
  if (options.grantedTo) {
    const [manifest, functionName] = options.grantedTo;
    afterEach(() => {
      const outside = requestsOutsideGrant(manifest, functionName, ddb.calls() as unknown as SentCommand[]);
      if (outside.length > 0) throw new Error(`requests ${manifest.name}/${functionName}'s manifest does not grant (IAM would refuse them):\n  ${outside.join('\n  ')}`);
    });
  }
  afterAll(() => {
    ddb.restore();
  });
  const db = () => {
    if (!current) throw new Error('useFakeDynamoDB: no fake before the first test starts; call db() from a test or a hook');
    return current;
  };
  return { ddb, db };
}

function compareTuples(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/** One item of a transaction: what it does, to which item, with which condition. */
function transactAction(item: TransactItem): { kind: 'ConditionCheck' | 'Put' | 'Update' | 'Delete'; table: string; key: Item; request: Conditional } {
  if (item.ConditionCheck) return { kind: 'ConditionCheck', table: item.ConditionCheck.TableName as string, key: item.ConditionCheck.Key as Item, request: item.ConditionCheck };
  if (item.Put) return { kind: 'Put', table: item.Put.TableName as string, key: item.Put.Item as Item, request: item.Put };
  if (item.Update) return { kind: 'Update', table: item.Update.TableName as string, key: item.Update.Key as Item, request: item.Update };
  if (item.Delete) return { kind: 'Delete', table: item.Delete.TableName as string, key: item.Delete.Key as Item, request: item.Delete };
  throw new Error('FakeDynamoDB: an empty transaction item');
}

/** The top-level attributes a ProjectionExpression names, or the whole item without one. */
function project(item: Item, projection: string | undefined, names: Names): Item {
  if (!projection) return structuredClone(item);
  const kept = projection.split(',').map((attribute) => name(attribute.trim(), names));
  return structuredClone(Object.fromEntries(Object.entries(item).filter(([attribute]) => kept.includes(attribute))));
}

function name(token: string, names: Names): string {
  const resolved = token.startsWith('#') ? names?.[token] : token;
  if (resolved === undefined) throw new Error(`FakeDynamoDB: no name for ${token}`);
  return resolved;
}

/** A document path (`charges.#charge.refund.#status`) as the attribute names along it. */
function path(expression: string, names: Names): string[] {
  return expression.split('.').map((part) => name(part.trim(), names));
}

function read(item: Item, at: readonly string[]): unknown {
  let current: unknown = item;
  for (const key of at) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Item)[key];
  }
  return current;
}

/** Sets a nested attribute; as DynamoDB, refuses when a map on the way is missing. */
function write(item: Item, at: readonly string[], to: unknown): void {
  let current: Item = item;
  for (const key of at.slice(0, -1)) {
    const next = current[key];
    if (typeof next !== 'object' || next === null) {
      throw Object.assign(new Error('The document path provided in the update expression is invalid for update'), { name: 'ValidationException' });
    }
    current = next as Item;
  }
  current[at[at.length - 1] as string] = structuredClone(to);
}

function remove(item: Item, at: readonly string[]): void {
  const parent = read(item, at.slice(0, -1));
  if (typeof parent === 'object' && parent !== null) delete (parent as Item)[at[at.length - 1] as string];
}

function value(token: string, values: Values): unknown {
  if (!values || !(token in values)) throw new Error(`FakeDynamoDB: no value for ${token}`);
  return values[token];
}

/** Splits at `separator` outside parentheses. */
function splitTopLevel(expression: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && expression.startsWith(separator, i)) {
      parts.push(expression.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(expression.slice(start));
  return parts.map((p) => p.trim());
}

function unwrap(expression: string): string {
  const e = expression.trim();
  if (e.startsWith('(') && e.endsWith(')') && splitTopLevel(e.slice(1, -1), ')').length === 1) return unwrap(e.slice(1, -1));
  return e;
}

function evaluate(expression: string, item: Item, names: Names, values: Values): boolean {
  const e = unwrap(expression);
  const ors = splitTopLevel(e, ' OR ');
  if (ors.length > 1) return ors.some((part) => evaluate(part, item, names, values));
  const ands = splitTopLevel(e, ' AND ');
  if (ands.length > 1) return ands.every((part) => evaluate(part, item, names, values));

  let m: RegExpMatchArray | null;
  if ((m = e.match(/^attribute_not_exists\(([#\w.]+)\)$/))) return read(item, path(m[1]!, names)) === undefined;
  if ((m = e.match(/^attribute_exists\(([#\w.]+)\)$/))) return read(item, path(m[1]!, names)) !== undefined;
  if ((m = e.match(/^([#\w.]+) IN \(([^)]*)\)$/))) {
    const actual = read(item, path(m[1]!, names));
    return m[2]!.split(',').some((token) => value(token.trim(), values) === actual);
  }
  if ((m = e.match(/^([#\w.]+) (=|<>|<=|>=|<|>) (:\w+)$/))) {
    const actual = read(item, path(m[1]!, names)) as number | string | undefined;
    const expected = value(m[3]!, values) as number | string;
    if (m[2] === '=') return actual === expected;
    if (actual === undefined) return false;
    if (m[2] === '<>') return actual !== expected;
    if (m[2] === '<') return actual < expected;
    if (m[2] === '>') return actual > expected;
    if (m[2] === '<=') return actual <= expected;
    return actual >= expected;
  }
  throw new Error(`FakeDynamoDB: cannot evaluate "${e}"`);
}

/** A SET operand: a value (`:v`), `if_not_exists(path, :v)`, or a path into the item. */
function operand(token: string, item: Item, names: Names, values: Values): unknown {
  const t = token.trim();
  const ifNotExists = t.match(/^if_not_exists\(([#\w.]+), (:\w+)\)$/);
  if (ifNotExists) return read(item, path(ifNotExists[1]!, names)) ?? value(ifNotExists[2]!, values);
  return t.startsWith(':') ? value(t, values) : read(item, path(t, names));
}

/** An update expression's clauses, which DynamoDB takes in any order (`ADD #sent :one SET #expiresAt = :at`). */
function updateClauses(expression: string): Partial<Record<'SET' | 'REMOVE' | 'ADD', string>> {
  const parts = expression.trim().split(/\b(SET|REMOVE|ADD)\s+/);
  if (parts[0]?.trim() !== '' || parts.length < 3) throw new Error(`FakeDynamoDB: cannot apply "${expression}"`);
  const clauses: Partial<Record<'SET' | 'REMOVE' | 'ADD', string>> = {};
  for (let i = 1; i < parts.length; i += 2) clauses[parts[i] as 'SET' | 'REMOVE' | 'ADD'] = (parts[i + 1] ?? '').trim();
  return clauses;
}

function applyUpdate(item: Item, expression: string, names: Names, values: Values): Item {
  const clauses = updateClauses(expression);
  const next = structuredClone(item);
  for (const assignment of clauses.SET ? splitTopLevel(clauses.SET, ',') : []) {
    const [left, right] = assignment.split(' = ').map((s) => s.trim()) as [string, string];
    const sum = right.match(/^(.+?) ([+-]) (.+)$/);
    // As DynamoDB, every operand is read from the item as it was before this update.
    const result = sum ? (operand(sum[1]!, item, names, values) as number) + (sum[2] === '+' ? 1 : -1) * (operand(sum[3]!, item, names, values) as number) : operand(right, item, names, values);
    write(next, path(left, names), result);
  }
  for (const attribute of clauses.REMOVE ? clauses.REMOVE.split(',') : []) remove(next, path(attribute.trim(), names));
  // ADD on a number, as the adapters use it (`ADD version :one`): a missing attribute counts as 0.
  for (const addition of clauses.ADD ? splitTopLevel(clauses.ADD, ',') : []) {
    const [attribute, operand] = addition.split(/\s+/) as [string, string];
    const at = path(attribute, names);
    write(next, at, ((read(next, at) as number | undefined) ?? 0) + (value(operand, values) as number));
  }
  return next;
}
