import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseRef, requireEnv, tableEnvVar } from '@shop/common';
import { dynamoDocumentClient } from '@shop/aws';
import { PayableOrderFields } from '../domain/payable-order';

/** order-service's orders table, which process-payment may read (manifest: foreignTables). */
export const ORDERS_TABLE_REF = 'order-service/orders';
/** A foreign table's name arrives under the same variable its owner uses: `ORDERS_TABLE`. */
export const ORDERS_TABLE_ENV = tableEnvVar(parseRef(ORDERS_TABLE_REF).name);

export interface OrderReader {
  /** The fields payment needs, or `undefined` when there is no such order. */
  get(orderId: string): Promise<PayableOrderFields | undefined>;
}

export function dynamoOrderReader(
  options: { client?: () => DynamoDBDocumentClient; tableName?: () => string } = {},
): OrderReader {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(ORDERS_TABLE_ENV));
  return {
    async get(orderId) {
      // Strongly consistent: an order that just reached AWAITING_PAYMENT can be paid at once.
      const out = await client().send(
        new GetCommand({
          TableName: tableName(),
          Key: { orderId },
          ConsistentRead: true,
          ProjectionExpression: 'orderId, userId, #status, #total, correlationId',
          ExpressionAttributeNames: { '#status': 'status', '#total': 'total' },
        }),
      );
      // A stored order that does not parse is a bug elsewhere: fail loudly (500), do not charge.
      return out.Item ? PayableOrderFields.parse(out.Item) : undefined;
    },
  };
}
