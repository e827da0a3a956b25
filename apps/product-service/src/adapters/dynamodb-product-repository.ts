import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, requireEnv, tableEnvVar } from '@shop/common';
import { batchGetAll, dynamoDocumentClient, isConditionalCheckFailed } from '@shop/aws';
import type { Product, UpdateProductRequest } from '@shop/domain';
import type { ListingKey } from '../domain/cursor';
import { changedAttributes, isListed, LISTED, type ProductRecord, toProduct, toRecord } from '../domain/product-record';
import type { ProductRepository } from '../domain/product-repository';

export const PRODUCTS_TABLE_ENV = tableEnvVar('products');
export const LISTING_INDEX = 'by-listing';

/** Only a product that exists and is not soft-deleted may change. */
const LISTED_PRODUCT = 'attribute_exists(productId) AND attribute_not_exists(deletedAt)';

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

    async update(productId: string, update: UpdateProductRequest, now: Date): Promise<Product | undefined> {
      const changes = Object.entries(changedAttributes(update, now));
      try {
        const out = await client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { productId },
            UpdateExpression: `SET ${changes.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(changes.map(([name], i) => [`#a${i}`, name])),
            ExpressionAttributeValues: Object.fromEntries(changes.map(([, value], i) => [`:v${i}`, value])),
            ConditionExpression: LISTED_PRODUCT,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toProduct(out.Attributes as ProductRecord);
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
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
            UpdateExpression: 'SET deletedAt = :now, updatedAt = :now REMOVE listing',
            ExpressionAttributeValues: { ':now': timestamp },
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
      return record && isListed(record) ? toProduct(record) : undefined;
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
