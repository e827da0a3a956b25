import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { metrics } from '@shop/common';
import { conditionHeld, tableAccess, type TableAccessOptions } from '@shop/aws';
import type { CartRecord } from '../domain/cart-record';
import type { CartRepository } from '../domain/cart-repository';
import { CustomerForgottenError } from '../domain/errors';
import type { ForgottenCustomer } from '../domain/forget-customer';

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

/**
 * A forgotten customer's marker, told from a cart by `forgottenAt`. It has no `version`, so a cart
 * write in flight, conditional on the version it read (or on no item at all), fails against it.
 */
function isForgotten(item: Record<string, unknown>): boolean {
  return 'forgottenAt' in item;
}

/** The carts table behind the CartRepository port: optimistic concurrency on `version`. */
export function dynamoCartRepository(options: DynamoCartRepositoryOptions = {}): CartRepository {
  const { client, tableName } = tableAccess(options, { tableName: 'carts' });
  const onLostRace = options.onLostRace ?? countLostRace;

  return {
    async get(userId) {
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { userId }, ConsistentRead: true }));
      if (out.Item && isForgotten(out.Item)) throw new CustomerForgottenError();
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

    async forget(customer: ForgottenCustomer) {
      // A put, not a delete: the marker is what refuses the customer's tokens a new cart.
      await client().send(new PutCommand({ TableName: tableName(), Item: customer }));
    },
  };
}
