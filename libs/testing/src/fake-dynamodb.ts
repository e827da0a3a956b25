import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

/**
 * An in-memory stand-in for the single-item DynamoDB calls the services' adapters make (Get,
 * conditional Put, Update with SET / REMOVE on nested paths, Delete), installed behind
 * aws-sdk-client-mock. It evaluates the condition and update expressions the adapters send, so a
 * test sees what a user would (the order ends PAID, a charge is refunded once) and a wrong
 * expression fails the test. It understands the expression grammar the adapters use, no more;
 * queries, scans and transactions are for DynamoDB Local (the services' integration tests).
 */
export class FakeDynamoDB {
  private readonly tables = new Map<string, Map<unknown, Item>>();

  constructor(private readonly keys: Record<string, string>) {}

  install(ddb: AwsClientStub<DynamoDBDocumentClient>): this {
    // The adapters' nested writes (`charges.#charge.refund`) and their conditions are evaluated too.
    ddb.on(GetCommand).callsFake((input: GetCommandInput) => {
      const table = input.TableName as string;
      const item = this.table(table).get(this.keyOf(table, input.Key as Item));
      return item ? { Item: structuredClone(item) } : {};
    });
    ddb.on(PutCommand).callsFake((input: PutCommandInput) => {
      const table = input.TableName as string;
      const key = this.keyOf(table, input.Item as Item);
      this.check(input.ConditionExpression, this.table(table).get(key), input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      this.table(table).set(key, structuredClone(input.Item as Item));
      return {};
    });
    ddb.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
      const table = input.TableName as string;
      const key = this.keyOf(table, input.Key as Item);
      const current = this.table(table).get(key);
      this.check(input.ConditionExpression, current, input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      const next = applyUpdate({ ...structuredClone(current ?? {}), ...input.Key }, input.UpdateExpression as string, input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      this.table(table).set(key, next);
      return input.ReturnValues === 'ALL_NEW' ? { Attributes: structuredClone(next) } : {};
    });
    ddb.on(DeleteCommand).callsFake((input: DeleteCommandInput) => {
      const table = input.TableName as string;
      const key = this.keyOf(table, input.Key as Item);
      this.check(input.ConditionExpression, this.table(table).get(key), input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      this.table(table).delete(key);
      return {};
    });
    return this;
  }

  put(tableName: string, item: object): void {
    this.table(tableName).set(this.keyOf(tableName, item as Item), structuredClone(item as Item));
  }

  get(tableName: string, key: unknown): Item | undefined {
    const item = this.table(tableName).get(key);
    return item && structuredClone(item);
  }

  items(tableName: string): Item[] {
    return [...this.table(tableName).values()].map((item) => structuredClone(item));
  }

  private table(name: string): Map<unknown, Item> {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, (table = new Map()));
    return table;
  }

  private keyOf(tableName: string, item: Item): unknown {
    const attribute = this.keys[tableName];
    if (!attribute) throw new Error(`FakeDynamoDB: unknown table ${tableName}`);
    return item[attribute];
  }

  private check(condition: string | undefined, item: Item | undefined, names: Names, values: Values): void {
    if (condition && !evaluate(condition, item ?? {}, names, values)) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
  }
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

function applyUpdate(item: Item, expression: string, names: Names, values: Values): Item {
  const m = expression.match(/^(?:SET (.+?))?\s*(?:REMOVE (.+))?$/);
  if (!m || (!m[1] && !m[2])) throw new Error(`FakeDynamoDB: cannot apply "${expression}"`);
  const next = structuredClone(item);
  for (const assignment of m[1] ? splitTopLevel(m[1], ',') : []) {
    const [left, right] = assignment.split(' = ').map((s) => s.trim()) as [string, string];
    const [operand, added] = splitTopLevel(right, ' + ') as [string, string | undefined];
    const ifNotExists = operand.match(/^if_not_exists\(([#\w.]+), (:\w+)\)$/);
    const base = ifNotExists ? (read(next, path(ifNotExists[1]!, names)) ?? value(ifNotExists[2]!, values)) : value(operand, values);
    write(next, path(left, names), added === undefined ? base : (base as number) + (value(added, values) as number));
  }
  for (const attribute of m[2] ? m[2].split(',') : []) remove(next, path(attribute.trim(), names));
  return next;
}
