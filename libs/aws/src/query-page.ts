import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/** Which page to read: at most `limit` items, after `startKey` when there is one. */
export interface PageRequest<K> {
  limit: number;
  startKey?: K;
}

/** A page and, when DynamoDB stopped before the end, the key to go on from (its LastEvaluatedKey). */
export interface QueryPage<T, K> {
  items: T[];
  lastKey?: K;
}

/**
 * One page of a query. The keys are the caller's to type and to check: a page's `lastKey` goes
 * out as an opaque cursor (`cursorCodec` in @shop/common), and only a cursor that decodes to
 * exactly such a key comes back as a `startKey`.
 */
export async function queryPage<T, K extends Record<string, unknown>>(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  { limit, startKey }: PageRequest<K>,
): Promise<QueryPage<T, K>> {
  const out = await client.send(new QueryCommand({ ...input, Limit: limit, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
  return {
    items: (out.Items ?? []) as T[],
    ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey as K } : {}),
  };
}
