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
 *
 * A page has a `lastKey` only when more items follow. DynamoDB answers a LastEvaluatedKey whenever
 * it stopped at `Limit`, even with nothing after it, which would hand the client a cursor to an
 * empty page; so one item more than the page is read, and the key is made of the page's last item
 * (`keyAttributes`: the table's key and, for an index, the index's) only when that extra item came.
 */
export async function queryPage<T extends object, K extends Record<string, unknown>>(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  { limit, startKey }: PageRequest<K>,
  keyAttributes: readonly (keyof K & string)[],
): Promise<QueryPage<T, K>> {
  const out = await client.send(new QueryCommand({ ...input, Limit: limit + 1, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
  const items = (out.Items ?? []) as T[];
  const last = items[limit - 1];
  if (items.length > limit && last) {
    return { items: items.slice(0, limit), lastKey: Object.fromEntries(keyAttributes.map((name) => [name, (last as Record<string, unknown>)[name]])) as K };
  }
  // Fewer than asked for, yet a LastEvaluatedKey: DynamoDB stopped at its 1 MB a response, and more may follow.
  return { items, ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey as K } : {}) };
}
