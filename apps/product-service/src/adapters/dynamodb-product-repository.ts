import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, requireEnv, tableEnvVar } from '@shop/common';
import { batchGetAll, dynamoDocumentClient, isConditionalCheckFailed } from '@shop/aws';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ListingKey } from '../domain/cursor';
import { changedAttributes, isListed, LISTED, type ProductRecord, toProduct, toRecord } from '../domain/product-record';
import type { ProductRepository } from '../domain/product-repository';
import { versionOf } from '../domain/product-version';

export const PRODUCTS_TABLE_ENV = tableEnvVar('products');
export const LISTING_INDEX = 'by-listing';

/** Only a product that exists and is not soft-deleted may change. */
const LISTED_PRODUCT = 'attribute_exists(productId) AND attribute_not_exists(deletedAt)';

/** Every change product-service makes moves the item's version on (an item without one counts as 0). */
const BUMP_VERSION = 'ADD version :one';

export interface DynamoProductRepositoryOptions {
  client?: () => DynamoDBDocumentClient;
  /** Read at each call, not at load: cold start stays light and tests set it per test. */
  tableName?: () => string;
}

/** The products table behind the ProductRepository port. */
export function dynamoProductRepository(options: DynamoProductRepositoryOptions = {}): ProductRepository {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(PRODUCTS_TABLE_ENV));

  return {
    async create(product) {
      try {
        await client().send(
          new PutCommand({
            TableName: tableName(),
            Item: toRecord(product),
            ConditionExpression: 'attribute_not_exists(productId)',
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new ConflictError(`Product ${product.productId} already exists`);
        throw error;
      }
    },

    async update(productId, update, now, precondition) {
      const changes = Object.entries(changedAttributes(update, now));
      const version = precondition?.kind === 'one-of' ? versionCondition(precondition.versions) : undefined;
      try {
        const out = await client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { productId },
            UpdateExpression: `SET ${changes.map((_, i) => `#a${i} = :v${i}`).join(', ')} ${BUMP_VERSION}`,
            ExpressionAttributeNames: Object.fromEntries(changes.map(([name], i) => [`#a${i}`, name])),
            ExpressionAttributeValues: {
              ...Object.fromEntries(changes.map(([, value], i) => [`:v${i}`, value])),
              ':one': 1,
              ...version?.values,
            },
            // The version is checked in the write itself: a change landing between a read and this write cannot be lost.
            ConditionExpression: version ? `${LISTED_PRODUCT} AND ${version.expression}` : LISTED_PRODUCT,
            ReturnValues: 'ALL_NEW',
            // The item as it was, to tell an unknown product (404) from a stale version (412).
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        const record = out.Attributes as ProductRecord;
        return { kind: 'updated', product: toProduct(record), version: versionOf(record) };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const old = (error as { Item?: Record<string, AttributeValue> }).Item;
        return old?.['listing'] ? { kind: 'version-mismatch', version: Number(old['version']?.N ?? 0) } : { kind: 'not-found' };
      }
    },

    async softDelete(productId, now) {
      const timestamp = now.toISOString();
      try {
        await client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { productId },
            // Removing `listing` takes the product out of the sparse index, so pages never hold it.
            UpdateExpression: `SET deletedAt = :now, updatedAt = :now REMOVE listing ${BUMP_VERSION}`,
            ExpressionAttributeValues: { ':now': timestamp, ':one': 1 },
            ConditionExpression: LISTED_PRODUCT,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async get(productId) {
      // Strongly consistent: a product read right after it was created or changed is that product.
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { productId }, ConsistentRead: true }));
      const record = out.Item as ProductRecord | undefined;
      return record && isListed(record) ? { product: toProduct(record), version: versionOf(record) } : undefined;
    },

    async getMany(productIds) {
      // Strongly consistent, like get: stock and listing are read by checkout.
      return batchGetAll<ProductRecord>(client(), {
        tableName: tableName(),
        keys: productIds.map((productId) => ({ productId })),
        consistentRead: true,
      });
    },

    async listPage({ limit, startKey }) {
      const out = await client().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: LISTING_INDEX,
          KeyConditionExpression: 'listing = :listed',
          ExpressionAttributeValues: { ':listed': LISTED },
          ScanIndexForward: false,
          Limit: limit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      return {
        items: ((out.Items ?? []) as ProductRecord[]).map(toProduct),
        ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey as ListingKey } : {}),
      };
    },
  };
}

/**
 * `If-Match` versions as a condition. Version 0 is an item written before versions existed, which
 * has no `version` attribute. The route's schema lets at most 20 tags through (DynamoDB's IN takes 100).
 */
function versionCondition(versions: readonly number[]): { expression: string; values: Record<string, number> } {
  const numbered = versions.filter((v) => v > 0);
  const alternatives = [
    ...(versions.includes(0) ? ['attribute_not_exists(version)'] : []),
    ...(numbered.length ? [`version IN (${numbered.map((_, i) => `:version${i}`).join(', ')})`] : []),
  ];
  return {
    expression: `(${alternatives.join(' OR ')})`,
    values: Object.fromEntries(numbered.map((v, i) => [`:version${i}`, v])),
  };
}
