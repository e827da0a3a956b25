import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem takes at most this many keys per request. */
export const BATCH_GET_MAX_KEYS = 100;

export interface BatchGetAllRequest {
  tableName: string;
  keys: readonly Record<string, unknown>[];
  consistentRead?: boolean;
  projectionExpression?: string;
  expressionAttributeNames?: Record<string, string>;
}

export interface BatchGetAllOptions {
  /** Requests per chunk of keys, the first included, before giving up on keys DynamoDB left unprocessed. */
  maxAttempts?: number;
  /** First pause before asking again for unprocessed keys; doubles each time, with jitter. */
  baseDelayMs?: number;
}

/**
 * Every item of `keys` that exists, in no particular order. DynamoDB may answer only part of a
 * batch (throttling, the 16 MB limit) and name the rest in `UnprocessedKeys`: those are asked
 * for again, with exponential backoff, until none are left; keys still unanswered after
 * `maxAttempts` are an error, never silently missing items. The keys must be distinct.
 */
export async function batchGetAll<T = Record<string, unknown>>(
  client: DynamoDBDocumentClient,
  request: BatchGetAllRequest,
  options: BatchGetAllOptions = {},
): Promise<T[]> {
  const maxAttempts = options.maxAttempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 25;
  const { tableName, keys, ...read } = request;
  const found: T[] = [];

  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
    let pending = keys.slice(start, start + BATCH_GET_MAX_KEYS);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) {
        throw new Error(`BatchGetItem on ${tableName} left ${pending.length} key(s) unprocessed after ${maxAttempts} attempts`);
      }
      if (attempt > 1) await pause(baseDelayMs * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: [...pending],
              ...(read.consistentRead !== undefined && { ConsistentRead: read.consistentRead }),
              ...(read.projectionExpression !== undefined && { ProjectionExpression: read.projectionExpression }),
              ...(read.expressionAttributeNames !== undefined && { ExpressionAttributeNames: read.expressionAttributeNames }),
            },
          },
        }),
      );
      found.push(...((out.Responses?.[tableName] ?? []) as T[]));
      pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
