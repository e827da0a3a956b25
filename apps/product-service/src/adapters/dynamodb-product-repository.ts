import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, conditionHeld, isConditionalCheckFailed, isTransactionConflict, queryPage, retryConflicts, tableAccess, type TableAccessOptions } from '@shop/aws';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ListingKey } from '../domain/cursor';
import { changedAttributes, isListed, LISTED, type ProductRecord, toProduct, toRecord } from '../domain/product-record';
import type { ProductRepository, UpdateOutcome } from '../domain/product-repository';
import { type VersionPrecondition, versionOf } from '../domain/product-version';

export const LISTING_INDEX = 'by-listing';

/** Only a product that exists and is not soft-deleted may change. */
const LISTED_PRODUCT = 'attribute_exists(productId) AND attribute_not_exists(deletedAt)';

/** Every change product-service makes moves the item's version on (an item without one counts as 0). */
const BUMP_VERSION = 'ADD version :one';

/** The products table behind the ProductRepository port. */
export function dynamoProductRepository(options: TableAccessOptions = {}): ProductRepository {
  const { client, tableName } = tableAccess(options, { tableName: 'products' });

  return {
    async create(product) {
      const created = await conditionHeld(() =>
        client().send(new PutCommand({ TableName: tableName(), Item: toRecord(product), ConditionExpression: 'attribute_not_exists(productId)' })),
      );
      if (created) return { kind: 'created' };
      const out = await client().send(new GetCommand({ TableName: tableName(), Key: { productId: product.productId }, ConsistentRead: true }));
      if (!out.Item) throw new Error(`product ${product.productId} was there and is gone`);
      return { kind: 'exists', record: out.Item as ProductRecord };
    },

    async update(productId, update, now, precondition) {
      const changes = Object.entries(changedAttributes(update, now));
      const outcome = await versionedWrite(
        client(),
        precondition,
        (condition) =>
          new UpdateCommand({
            TableName: tableName(),
            Key: { productId },
            UpdateExpression: `SET ${changes.map((_, i) => `#a${i} = :v${i}`).join(', ')} ${BUMP_VERSION}`,
            ExpressionAttributeNames: Object.fromEntries(changes.map(([name], i) => [`#a${i}`, name])),
            ExpressionAttributeValues: { ...Object.fromEntries(changes.map(([, value], i) => [`:v${i}`, value])), ':one': 1, ...condition.values },
            ConditionExpression: condition.expression,
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
      );
      if (outcome.kind !== 'written') return outcome;
      return { kind: 'updated', product: toProduct(outcome.record), version: versionOf(outcome.record) };
    },

    async softDelete(productId, now, precondition) {
      const outcome = await versionedWrite(
        client(),
        precondition,
        (condition) =>
          new UpdateCommand({
            TableName: tableName(),
            Key: { productId },
            // Removing `listing` takes the product out of the sparse index, so pages never hold it.
            UpdateExpression: `SET deletedAt = :now, updatedAt = :now REMOVE listing ${BUMP_VERSION}`,
            ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1, ...condition.values },
            ConditionExpression: condition.expression,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
      );
      return outcome.kind === 'written' ? { kind: 'deleted' } : outcome;
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

    async listPage(page) {
      const { items, lastKey } = await queryPage<ProductRecord, ListingKey>(
        client(),
        { TableName: tableName(), IndexName: LISTING_INDEX, KeyConditionExpression: 'listing = :listed', ExpressionAttributeValues: { ':listed': LISTED }, ScanIndexForward: false },
        page,
        ['productId', 'listing', 'createdAt'],
      );
      return { items: items.map(toProduct), ...(lastKey ? { lastKey } : {}) };
    },
  };
}

type VersionedWriteOutcome = { kind: 'written'; record: ProductRecord } | Exclude<UpdateOutcome, { kind: 'updated' }>;

/**
 * A change to a listed product, at one of the versions the precondition names when there is one.
 * The version is checked in the write itself: a change landing between the editor's read and this
 * write cannot be lost. The command asks for the item as it was when the condition fails, to tell
 * an unknown product (404) from a stale version (412).
 */
async function versionedWrite(
  client: DynamoDBDocumentClient,
  precondition: VersionPrecondition | undefined,
  command: (condition: { expression: string; values: Record<string, number> }) => UpdateCommand,
): Promise<VersionedWriteOutcome> {
  const version = precondition?.kind === 'one-of' ? versionCondition(precondition.versions) : undefined;
  try {
    // A product that checkouts are reserving is held by their transactions a moment at a time: the
    // write is tried again a few times before the editor is told to (503).
    const out = await retryConflicts(() => client.send(command({ expression: version ? `${LISTED_PRODUCT} AND ${version.expression}` : LISTED_PRODUCT, values: version?.values ?? {} })));
    return { kind: 'written', record: out.Attributes as ProductRecord };
  } catch (error) {
    if (isTransactionConflict(error)) return { kind: 'busy' };
    if (!isConditionalCheckFailed(error)) throw error;
    const old = (error as { Item?: Record<string, AttributeValue> }).Item;
    return old?.['listing'] ? { kind: 'version-mismatch', version: Number(old['version']?.N ?? 0) } : { kind: 'not-found' };
  }
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
