import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { metrics } from '@shop/common';
import { conditionHeld, tableAccess, type TableAccessOptions } from '@shop/aws';
import type { CartRecord } from '../domain/cart-record';
import type { CartRepository } from '../domain/cart-repository';

/** The metric (namespace `Shop`, dimensions `service` and `stage`) counting writes that lost a race: one per lost write. */
export const CART_WRITE_CONFLICTS_METRIC = 'CartWriteConflicts';

export interface DynamoCartRepositoryOptions extends TableAccessOptions {
  /**
   * Told of each write that lost the race to another (its condition failed). By default it writes
   * the `CartWriteConflicts` metric at once: how often customers' changes to one cart collide, which
   * is what the retries in the domain cost.
   */
  onLostRace?: () => void;
}

function countLostRace(): void {
  metrics.add({ name: CART_WRITE_CONFLICTS_METRIC, unit: 'Count', value: 1 });
  metrics.flush();
}

/** The carts table behind the CartRepository port: optimistic concurrency on `version`. */
export function dynamoCartRepository(options: DynamoCartRepositoryOptions = {}): CartRepository {
  const { client, tableName } = tableAccess(options, { tableName: 'carts' });
  const onLostRace = options.onLostRace ?? countLostRace;

  return {
    async get(userId) {
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { userId }, ConsistentRead: true }));
      return out.Item as CartRecord | undefined;
    },

    async save(cart) {
      const firstWrite = cart.version === 1;
      const saved = await conditionHeld(() =>
        client().send(
          new PutCommand({
            TableName: tableName(),
            Item: cart,
            ...(firstWrite
              ? { ConditionExpression: 'attribute_not_exists(userId)' }
              : {
                  ConditionExpression: '#version = :read',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':read': cart.version - 1 },
                }),
          }),
        ),
      );
      if (!saved) onLostRace();
      return saved;
    },
  };
}
