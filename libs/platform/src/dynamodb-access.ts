import { DYNAMODB_COMMAND_ACTIONS, TRANSACTION_ITEM_ACTIONS } from './dynamodb-actions';
import type { TableAction } from './manifest';
import type { AccessRequest } from './policy-evaluation';

/**
 * What IAM authorizes a DynamoDB call as: the handler tests (libs/testing's grant check, decision
 * 129) and the local cloud's IAM (decision 130) both read a request this way, so they agree.
 */

type Input = Record<string, unknown>;

/** One table request inside a call: a batch or a transaction holds several. */
export interface TableRequest {
  table: string;
  action: TableAction;
  index?: string;
  input: Input;
}

/**
 * The table requests of a DynamoDB call, each as IAM authorizes it: a transaction item by item, a
 * batch table by table. `operation` is the API's (`GetItem`, `TransactWriteItems`) or a command
 * class of the SDK (`GetCommand`, `TransactWriteItemsCommand`). Throws for an operation that
 * reads or writes no item.
 */
export function tableRequests(operation: string, input: Input): TableRequest[] {
  const actions = DYNAMODB_COMMAND_ACTIONS[operation] ?? DYNAMODB_COMMAND_ACTIONS[`${operation}Command`];
  if (!actions) throw new UnknownDynamoDbOperationError(operation);
  const [action] = actions;
  if (operation.startsWith('Transact')) {
    return ((input['TransactItems'] ?? []) as Record<string, Input>[]).flatMap((item) =>
      Object.entries(item).map(([kind, request]) => ({ table: request['TableName'] as string, action: action ?? TRANSACTION_ITEM_ACTIONS[kind]!, input: request })),
    );
  }
  if (!action) throw new UnknownDynamoDbOperationError(operation);
  if (operation.startsWith('Batch')) {
    return Object.entries((input['RequestItems'] ?? {}) as Record<string, Input>).map(([table, request]) => ({ table, action, input: request }));
  }
  return [{ table: input['TableName'] as string, action, ...(typeof input['IndexName'] === 'string' && { index: input['IndexName'] }), input }];
}

export class UnknownDynamoDbOperationError extends Error {
  override name = 'UnknownDynamoDbOperationError';
  constructor(readonly operation: string) {
    super(`cannot tell what ${operation} asks of DynamoDB: add it to DYNAMODB_COMMAND_ACTIONS (@shop/platform)`);
  }
}

/** Words of the expression grammar that are not attribute names. */
const KEYWORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const EXPRESSIONS = ['ProjectionExpression', 'UpdateExpression', 'ConditionExpression', 'KeyConditionExpression', 'FilterExpression'];

/**
 * The top-level attribute names a request names, as IAM's `dynamodb:Attributes` counts them: its
 * key, the item it puts, and every attribute path in its expressions (`a.b[0]` names `a`; `#n`
 * names what ExpressionAttributeNames maps it to). Reads the document client's input and the wire
 * form alike: only names and expressions matter, not values.
 */
export function attributesNamed(input: Input): string[] {
  const names = (input['ExpressionAttributeNames'] ?? {}) as Record<string, string>;
  const found = new Set<string>([...Object.keys((input['Key'] ?? {}) as Input), ...Object.keys((input['Item'] ?? {}) as Input)]);
  for (const key of (input['Keys'] ?? []) as Input[]) for (const name of Object.keys(key)) found.add(name);
  for (const expression of EXPRESSIONS.map((field) => input[field]).filter((e): e is string => typeof e === 'string')) {
    // A path starts where no `.` or `:` comes before it; a function name is followed by `(`.
    for (const match of expression.matchAll(/(?<![.:#\w])(#?[A-Za-z_]\w*)(?!\w)(?!\s*\()/g)) {
      const token = match[1]!;
      if (token.startsWith('#')) found.add(names[token] ?? token);
      else if (!KEYWORDS.has(token.toUpperCase())) found.add(token);
    }
  }
  return [...found].sort();
}

/** The actions that read items: under a grant limited to attributes, each must say which (a projection). */
export const READ_ACTIONS: ReadonlySet<TableAction> = new Set<TableAction>(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

/**
 * A DynamoDB call as the requests IAM judges, with the condition keys the shop's policies use:
 * `dynamodb:Attributes`, and `dynamodb:Select` and `dynamodb:ReturnValues` when the request sets
 * them. A read without a projection asks for every attribute, which IAM refuses under a grant
 * limited to some: it is given `dynamodb:Select` ALL_ATTRIBUTES, as a query without one is.
 * An operation on no item (DescribeTable) is judged as itself on the table it names.
 */
export function dynamodbAccessRequests(operation: string, input: Input, arns: { region: string; accountId: string }): AccessRequest[] {
  const tableArn = (table: string) => `arn:aws:dynamodb:${arns.region}:${arns.accountId}:table/${table}`;
  let requests: TableRequest[];
  try {
    requests = tableRequests(operation, input);
  } catch (error) {
    if (!(error instanceof UnknownDynamoDbOperationError)) throw error;
    const table = input['TableName'];
    return [{ action: `dynamodb:${operation}`, resource: typeof table === 'string' ? tableArn(table) : '*' }];
  }
  return requests.map((request) => {
    const context: Record<string, string | string[]> = { 'dynamodb:Attributes': attributesNamed(request.input) };
    const select = request.input['Select'];
    const projected = typeof request.input['ProjectionExpression'] === 'string' || Array.isArray(request.input['AttributesToGet']);
    if (typeof select === 'string') context['dynamodb:Select'] = select;
    else if (READ_ACTIONS.has(request.action) && !projected) context['dynamodb:Select'] = 'ALL_ATTRIBUTES';
    if (typeof request.input['ReturnValues'] === 'string') context['dynamodb:ReturnValues'] = request.input['ReturnValues'];
    const resource = request.index ? `${tableArn(request.table)}/index/${request.index}` : tableArn(request.table);
    return { action: `dynamodb:${request.action}`, resource, context };
  });
}
