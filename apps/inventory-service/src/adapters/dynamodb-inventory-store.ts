import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, conditionHeld, type ConflictDelay, jitteredConflictDelay, retryConflicts, tableAccess, type TableAccessOptions, transactionCancellationReasons } from '@shop/aws';
import type { StockLine } from '@shop/contracts';
import type { InventoryStore } from '../domain/inventory-store';
import type { ProductStock, Reservation, Shortage } from '../domain/reservation';

/** A product takes a reservation only while listed (`listing` is removed by a soft delete) and with enough stock. */
export const TAKE_STOCK_CONDITION = 'attribute_exists(listing) AND stock >= :q';

interface ProductItem {
  productId: string;
  stock: number;
  listing?: string;
}

export interface DynamoInventoryStoreOptions extends TableAccessOptions<'productsTable' | 'reservationsTable'> {
  /** Wait before attempt `n` (2, 3, …) of a reserve or a release after a transaction conflict. */
  conflictDelayMs?: ConflictDelay;
}

export function dynamoInventoryStore(options: DynamoInventoryStoreOptions = {}): InventoryStore {
  // products is product-service's table, under the name its owner uses.
  const { client, productsTable, reservationsTable } = tableAccess(options, { productsTable: 'products', reservationsTable: 'reservations' });
  const conflictDelayMs = options.conflictDelayMs ?? jitteredConflictDelay;

  const changeStock = (line: StockLine, expression: string, condition: string, onConditionFailure?: 'ALL_OLD') => ({
    Update: {
      TableName: productsTable(),
      Key: { productId: line.productId },
      UpdateExpression: expression,
      ConditionExpression: condition,
      ExpressionAttributeValues: { ':q': line.quantity },
      ...(onConditionFailure && { ReturnValuesOnConditionCheckFailure: onConditionFailure }),
    },
  });

  return {
    async stockOf(productIds) {
      const items = await batchGetAll<ProductItem>(client(), {
        tableName: productsTable(),
        keys: productIds.map((productId) => ({ productId })),
        consistentRead: true,
        projectionExpression: 'productId, stock, listing',
      });
      return items.map((item): ProductStock => ({ productId: item.productId, stock: item.stock, listed: item.listing !== undefined }));
    },

    async reserve(reservation) {
      const { lines } = reservation;
      try {
        const transaction = new TransactWriteCommand({
          TransactItems: [
            // ALL_OLD: the product as it was, to say in OutOfStock why a line could not be served.
            ...lines.map((line) => changeStock(line, 'SET stock = stock - :q', TAKE_STOCK_CONDITION, 'ALL_OLD')),
            {
              Put: {
                TableName: reservationsTable(),
                Item: { orderId: reservation.orderId, lines, status: 'RESERVED', createdAt: reservation.createdAt },
                // Also refuses an order whose release came first (`markReleased`): it takes nothing.
                ConditionExpression: 'attribute_not_exists(orderId)',
              },
            },
          ],
        });
        await retryConflicts(() => client().send(transaction), conflictDelayMs);
        return { kind: 'reserved' };
      } catch (error) {
        const reasons = transactionCancellationReasons(error);
        if (!reasons) throw error;
        if (reasons[lines.length]?.Code === 'ConditionalCheckFailed') return { kind: 'already-reserved' };
        const shortages = lines.flatMap((line, i) =>
          reasons[i]?.Code === 'ConditionalCheckFailed' ? [shortage(line, reasons[i]?.Item)] : [],
        );
        if (shortages.length > 0) return { kind: 'short', shortages };
        // Conflicts that went on past the attempts, and the like: the caller (the state machine) retries.
        throw error;
      }
    },

    async getReservation(orderId) {
      const out = await client().send(new GetCommand({ TableName: reservationsTable(), Key: { orderId }, ConsistentRead: true }));
      return out.Item as Reservation | undefined;
    },

    commit(orderId, now) {
      return conditionHeld(() =>
        client().send(
          new UpdateCommand({
            TableName: reservationsTable(),
            Key: { orderId },
            UpdateExpression: 'SET #status = :committed, committedAt = :now',
            ConditionExpression: '#status = :reserved',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':committed': 'COMMITTED', ':reserved': 'RESERVED', ':now': now.toISOString() },
          }),
        ),
      );
    },

    async markReleased(orderId, now) {
      const at = now.toISOString();
      return conditionHeld(() =>
        client().send(
          new PutCommand({
            TableName: reservationsTable(),
            Item: { orderId, lines: [], status: 'RELEASED', createdAt: at, releasedAt: at },
            ConditionExpression: 'attribute_not_exists(orderId)',
          }),
        ),
      );
    },

    async release(reservation, now) {
      try {
        const transaction = new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: reservationsTable(),
                Key: { orderId: reservation.orderId },
                UpdateExpression: 'SET #status = :released, releasedAt = :now',
                ConditionExpression: '#status = :reserved',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':released': 'RELEASED', ':reserved': 'RESERVED', ':now': now.toISOString() },
              },
            },
            // Products are never deleted for real (a soft delete keeps the item); the condition keeps a stray id from creating one.
            ...reservation.lines.map((line) => changeStock(line, 'SET stock = stock + :q', 'attribute_exists(productId)')),
          ],
        });
        await retryConflicts(() => client().send(transaction), conflictDelayMs);
        return true;
      } catch (error) {
        const reasons = transactionCancellationReasons(error);
        if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },
  };
}

/**
 * Why a line was not served, from the product as it was (the document client leaves a
 * cancellation reason's item in DynamoDB's attribute-value form).
 */
function shortage(line: StockLine, item: Record<string, AttributeValue> | undefined): Shortage {
  const listed = item?.['listing'] !== undefined;
  const stock = item?.['stock']?.N;
  return listed && stock !== undefined
    ? { productId: line.productId, requested: line.quantity, inStock: Number(stock) }
    : { productId: line.productId, requested: line.quantity };
}
