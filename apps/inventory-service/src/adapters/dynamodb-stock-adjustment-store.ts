import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type ConflictDelay, isTransactionConflict, jitteredConflictDelay, queryPage, retryConflicts, tableAccess, type TableAccessOptions, transactionCancellationReasons } from '@shop/aws';
import type { AdjustmentKeyRecord, StockAdjustmentRecord } from '../domain/stock-adjustment';
import type { ApplyOutcome, StockAdjustmentStore } from '../domain/stock-adjustment-store';
import type { TrailKey } from '../domain/trail-cursor';

export interface DynamoStockAdjustmentStoreOptions extends TableAccessOptions<'productsTable' | 'adjustmentsTable' | 'keysTable'> {
  /** Wait before attempt `n` (2, 3, …) after a transaction conflict. */
  conflictDelayMs?: ConflictDelay;
}

export function dynamoStockAdjustmentStore(options: DynamoStockAdjustmentStoreOptions = {}): StockAdjustmentStore {
  const { client, productsTable, adjustmentsTable, keysTable } = tableAccess(options, {
    productsTable: 'products',
    adjustmentsTable: 'stock-adjustments',
    keysTable: 'idempotency-keys',
  });
  const conflictDelayMs = options.conflictDelayMs ?? jitteredConflictDelay;

  const transaction = (adjustment: StockAdjustmentRecord, key: AdjustmentKeyRecord, now: Date) =>
    new TransactWriteCommand({
      TransactItems: [
        {
          // Relative, like a reservation's: a checkout landing at the same moment is never overwritten.
          Update: {
            TableName: productsTable(),
            Key: { productId: adjustment.productId },
            UpdateExpression: 'SET stock = stock + :delta',
            ConditionExpression: adjustment.delta < 0 ? 'attribute_exists(listing) AND stock >= :take' : 'attribute_exists(listing)',
            ExpressionAttributeValues: { ':delta': adjustment.delta, ...(adjustment.delta < 0 ? { ':take': -adjustment.delta } : {}) },
            // The product as it was, to tell an unknown product from too little stock, and say how much there is.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: { TableName: adjustmentsTable(), Item: adjustment, ConditionExpression: 'attribute_not_exists(adjustmentKey)' },
        },
        {
          Put: {
            TableName: keysTable(),
            Item: key,
            // TTL deletes expired items only eventually: an expired key counts as free.
            ConditionExpression: 'attribute_not_exists(#key) OR expiresAt < :now',
            ExpressionAttributeNames: { '#key': 'key' },
            ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          },
        },
      ],
    });

  return {
    async apply(adjustment, key, now) {
      try {
        await retryConflicts(() => client().send(transaction(adjustment, key, now)), conflictDelayMs);
        return { kind: 'applied' };
      } catch (error) {
        const reasons = transactionCancellationReasons(error);
        if (!reasons) throw error;
        const [product, entry, heldKey] = reasons;
        // The key first: a repeated request may find the stock changed by its own first attempt.
        if (heldKey?.Code === 'ConditionalCheckFailed') return { kind: 'key-taken' };
        if (product?.Code === 'ConditionalCheckFailed') return refusal(product.Item);
        if (entry?.Code === 'ConditionalCheckFailed') throw new Error(`adjustment ${adjustment.adjustmentKey} exists already`);
        // Conflicts that went on through every attempt (`retryConflicts`): the caller is told to come back.
        if (isTransactionConflict(error)) return { kind: 'busy' };
        throw error;
      }
    },

    async heldKey(key) {
      const out = await client().send(new GetCommand({ TableName: keysTable(), Key: { key }, ConsistentRead: true }));
      return out.Item as AdjustmentKeyRecord | undefined;
    },

    async get(productId, adjustmentKey) {
      const out = await client().send(new GetCommand({ TableName: adjustmentsTable(), Key: { productId, adjustmentKey }, ConsistentRead: true }));
      return out.Item as StockAdjustmentRecord | undefined;
    },

    async stockOf(productId) {
      const out = await client().send(
        new GetCommand({ TableName: productsTable(), Key: { productId }, ConsistentRead: true, ProjectionExpression: 'stock' }),
      );
      return out.Item?.['stock'] as number | undefined;
    },

    async productExists(productId) {
      const out = await client().send(new GetCommand({ TableName: productsTable(), Key: { productId }, ProjectionExpression: 'productId' }));
      return out.Item !== undefined;
    },

    trailPage(productId, page) {
      return queryPage<StockAdjustmentRecord, TrailKey>(
        client(),
        {
          TableName: adjustmentsTable(),
          KeyConditionExpression: 'productId = :productId',
          ExpressionAttributeValues: { ':productId': productId },
          ScanIndexForward: false,
          ConsistentRead: true,
        },
        page,
        ['productId', 'adjustmentKey'],
      );
    },
  };
}

/** Why the product refused the change, from the item as it was (in DynamoDB's attribute-value form). */
function refusal(item: Record<string, AttributeValue> | undefined): ApplyOutcome {
  const stock = item?.['stock']?.N;
  if (!item?.['listing'] || stock === undefined) return { kind: 'unknown-product' };
  return { kind: 'insufficient-stock', inStock: Number(stock) };
}
