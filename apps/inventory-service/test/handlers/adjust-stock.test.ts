import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { StockAdjustmentResult } from '@shop/contracts';
import { invokeHandler, type JwtClaims, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { adjustmentRequestHash } from '../../src/domain/stock-adjustment';
import { handler } from '../../src/handlers/adjust-stock';
import { service } from '../../src/service';
import {
  ADJUSTMENTS_TABLE,
  ADMIN,
  ADMIN_ID,
  cancelled,
  CONFLICT,
  CUSTOMER,
  KEYS_TABLE,
  MANAGER,
  MANAGER_ID,
  MUG,
  NONE,
  PLATE,
  PRODUCTS_TABLE,
  stockedProduct,
  TABLE_KEYS,
  withInventoryEnvironment,
} from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'adjust-stock'] });
const route = httpRoute(service, 'adjust-stock');
withInventoryEnvironment();
beforeEach(() => {
  db().put(PRODUCTS_TABLE, stockedProduct(MUG, 12));
});

const KEY = 'restock-7d1c1e0a';
const restock = { delta: 5, reason: 'delivery 4711' };
const adjust = (body: unknown, options: { claims?: JwtClaims | null; key?: string | null; id?: string } = {}) => {
  const { claims = ADMIN(), key = KEY, id = MUG } = options;
  return invokeHandler<Record<string, unknown>>(
    handler,
    routeEvent(route, { pathParameters: { id }, body, ...(claims ? { claims } : {}), ...(key === null ? {} : { headers: { 'Idempotency-Key': key } }) }),
  );
};
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input);
const mugStock = () => db().get(PRODUCTS_TABLE, MUG)?.['stock'];
/** DynamoDB's own concurrency control cancels these; the fake applies one call at a time, so it is armed with them. */
const conflictNext = (times: number) => {
  for (let i = 0; i < times; i++) db().failNext(TransactWriteCommand, cancelled(CONFLICT, NONE, NONE));
};
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('POST /products/{id}/stock-adjustments', () => {
  it('is a route for ADMIN and MANAGER that may change stock on products and write the trail and keys', () => {
    const fn = service.functions['adjust-stock'];
    expect(route).toMatchObject({ method: 'POST', path: '/products/{id}/stock-adjustments', auth: { kind: 'signed-in', roles: ['ADMIN', 'MANAGER'] } });
    expect(fn.permissions).toEqual({
      tables: { 'stock-adjustments': ['PutItem', 'GetItem'], 'idempotency-keys': ['PutItem', 'GetItem'] },
      foreignTables: { 'product-service/products': { actions: ['UpdateItem', 'GetItem'], attributes: ['productId', 'stock', 'listing'] } },
    });
  });

  it('adds to stock, records the adjustment and takes the key in ONE transaction, and answers 201 with the stock after', async () => {
    const res = await adjust(restock);

    expect(res.status).toBe(201);
    const answer = StockAdjustmentResult.parse(res.body);
    expect(answer).toEqual({ adjustmentId: expect.any(String), productId: MUG, delta: 5, reason: 'delivery 4711', by: ADMIN_ID, at: expect.stringMatching(ISO), stockAfter: 17 });
    const adjustmentKey = `${answer.at}#${answer.adjustmentId}`;
    expect(transactions()).toEqual([
      {
        TransactItems: [
          {
            Update: {
              TableName: PRODUCTS_TABLE,
              Key: { productId: MUG },
              UpdateExpression: 'SET stock = stock + :delta',
              ConditionExpression: 'attribute_exists(listing)',
              ExpressionAttributeValues: { ':delta': 5 },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Put: {
              TableName: ADJUSTMENTS_TABLE,
              Item: { productId: MUG, adjustmentKey, adjustmentId: answer.adjustmentId, delta: 5, reason: 'delivery 4711', by: ADMIN_ID, at: answer.at },
              ConditionExpression: 'attribute_not_exists(adjustmentKey)',
            },
          },
          {
            Put: {
              TableName: KEYS_TABLE,
              Item: {
                key: `${ADMIN_ID}#${KEY}`,
                requestHash: adjustmentRequestHash({ productId: MUG, ...restock }),
                productId: MUG,
                adjustmentKey,
                createdAt: answer.at,
                expiresAt: expect.any(Number),
              },
              ConditionExpression: 'attribute_not_exists(#key) OR expiresAt < :now',
              ExpressionAttributeNames: { '#key': 'key' },
              ExpressionAttributeValues: { ':now': expect.any(Number) },
            },
          },
        ],
      },
    ]);
    // The stock after is read strongly consistent, right after.
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: PRODUCTS_TABLE, Key: { productId: MUG }, ConsistentRead: true, ProjectionExpression: 'stock' },
    ]);
    expect(mugStock()).toBe(17);
    expect(db().items(ADJUSTMENTS_TABLE)).toEqual([expect.objectContaining({ adjustmentKey, delta: 5 })]);
  });

  it('takes stock away for a MANAGER only if it stays at 0 or more, and trims the reason', async () => {
    const res = await adjust({ delta: -2, reason: '  2 broken in the count ' }, { claims: MANAGER() });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ delta: -2, reason: '2 broken in the count', by: MANAGER_ID });
    expect(transactions()[0]?.TransactItems?.[0]?.Update).toMatchObject({
      UpdateExpression: 'SET stock = stock + :delta',
      ConditionExpression: 'attribute_exists(listing) AND stock >= :take',
      ExpressionAttributeValues: { ':delta': -2, ':take': 2 },
    });
    expect(res.body).toMatchObject({ stockAfter: 10 });
    expect(mugStock()).toBe(10);
  });

  it('answers 409 INSUFFICIENT_STOCK, naming the stock there is, when a negative delta would take it below 0', async () => {
    db().put(PRODUCTS_TABLE, stockedProduct(MUG, 3));

    const res = await adjust({ delta: -5, reason: 'lost' });

    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'INSUFFICIENT_STOCK', message: 'Not enough stock: 3 available, so a delta of -5 would take it below 0' } });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(mugStock()).toBe(3);
    expect(db().items(ADJUSTMENTS_TABLE)).toEqual([]);
    expect(db().items(KEYS_TABLE)).toEqual([]);
  });

  it.each([
    ['an unknown product', PLATE],
    ['a soft-deleted product', MUG],
  ])('answers 404 for %s', async (_, id) => {
    db().put(PRODUCTS_TABLE, { ...stockedProduct(MUG, 4, false), deletedAt: '2025-02-02T00:00:00.000Z' });
    const res = await adjust(restock, { id });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Product not found' } });
    expect(db().items(PRODUCTS_TABLE)).toEqual([{ ...stockedProduct(MUG, 4, false), deletedAt: '2025-02-02T00:00:00.000Z' }]);
    expect(db().items(ADJUSTMENTS_TABLE)).toEqual([]);
  });

  it('answers a repeat of the same request with the same adjustment, applying nothing again', async () => {
    const first = await adjust(restock);
    const firstItems = transactions()[0]?.TransactItems ?? [];
    ddb.resetHistory();
    // A checkout took one since: the repeat answers the stock as it is now.
    db().put(PRODUCTS_TABLE, stockedProduct(MUG, 16));

    const again = await adjust(restock);

    expect(again.status).toBe(201);
    expect(again.body).toEqual({ ...first.body, stockAfter: 16 });
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: KEYS_TABLE, Key: { key: `${ADMIN_ID}#${KEY}` }, ConsistentRead: true },
      { TableName: ADJUSTMENTS_TABLE, Key: { productId: MUG, adjustmentKey: firstItems[1]?.Put?.Item?.['adjustmentKey'] }, ConsistentRead: true },
      { TableName: PRODUCTS_TABLE, Key: { productId: MUG }, ConsistentRead: true, ProjectionExpression: 'stock' },
    ]);
    expect(mugStock()).toBe(16);
    expect(db().items(ADJUSTMENTS_TABLE)).toHaveLength(1);
  });

  it.each([
    ['another delta', { ...restock, delta: 6 }],
    ['another reason', { ...restock, reason: 'delivery 4712' }],
  ])('answers 422 IDEMPOTENCY_KEY_REUSED when the key was used with %s', async (_, body) => {
    expect((await adjust(restock)).status).toBe(201);
    ddb.resetHistory();

    const res = await adjust(body);

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(ddb.commandCalls(GetCommand, { TableName: ADJUSTMENTS_TABLE })).toHaveLength(0);
    expect(mugStock()).toBe(17);
    expect(db().items(ADJUSTMENTS_TABLE)).toHaveLength(1);
  });

  it('tries again when DynamoDB cancels the transaction for a conflict with a checkout on the same product', async () => {
    conflictNext(1);
    const res = await adjust(restock);
    expect(res.status).toBe(201);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(mugStock()).toBe(17);
  });

  it('answers 503 STOCK_BUSY with Retry-After when conflicts go on, having applied nothing', async () => {
    conflictNext(4);
    const res = await adjust(restock);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ error: { code: 'STOCK_BUSY' } });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(4);
    expect(mugStock()).toBe(12);
    expect(db().items(ADJUSTMENTS_TABLE)).toEqual([]);
  });

  it('answers 500, in the error shape, for any other failure', async () => {
    db().failNext(TransactWriteCommand, Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));
    const res = await adjust(restock);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Something went wrong on our side' } });
  });

  it('answers 401 without a signed-in caller and 403 to a CUSTOMER, writing nothing', async () => {
    expect((await adjust(restock, { claims: null })).status).toBe(401);
    const customer = await adjust(restock, { claims: CUSTOMER() });
    expect(customer.status).toBe(403);
    expect(customer.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['no Idempotency-Key', restock, { key: null }, 'idempotency-key'],
    ['an Idempotency-Key too short', restock, { key: 'abc' }, 'idempotency-key'],
    ['a delta of 0', { delta: 0, reason: 'x' }, {}, 'delta'],
    ['a fractional delta', { delta: 0.5, reason: 'x' }, {}, 'delta'],
    ['a delta that is a string', { delta: '5', reason: 'x' }, {}, 'delta'],
    ['a delta over a million', { delta: 1_000_001, reason: 'x' }, {}, 'delta'],
    ['no reason', { delta: 1 }, {}, 'reason'],
    ['a reason over 200 characters', { delta: 1, reason: 'r'.repeat(201) }, {}, 'reason'],
    ['an unknown field', { ...restock, stock: 40 }, {}, 'stock'],
    ['a product id that is not a uuid', restock, { id: 'not-a-uuid' }, 'id'],
  ])('answers 400 naming the field for %s, and writes nothing', async (_, body, options, field) => {
    const res = await adjust(body, options);
    expect(res.status).toBe(400);
    const details = (res.body as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
  });
});
