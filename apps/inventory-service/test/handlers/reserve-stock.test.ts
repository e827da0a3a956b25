import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ReservationResponse } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { OutOfStockError } from '../../src/domain/errors';
import { handler } from '../../src/handlers/reserve-stock';
import { service } from '../../src/service';
import {
  cancelled,
  CONFLICT,
  CUP,
  MUG,
  NONE,
  ORDER_ID,
  PLATE,
  PRODUCTS_TABLE,
  RESERVATIONS_TABLE,
  stockedProduct,
  storedReservation,
  TABLE_KEYS,
  withInventoryEnvironment,
} from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'reserve-stock'] });
withInventoryEnvironment();

const reserve = (payload: unknown) => handler(payload, lambdaContext('reserve-stock'));
const request = { orderId: ORDER_ID, lines: [{ productId: MUG, quantity: 2 }, { productId: CUP, quantity: 1 }] };
const stock = () => db().items(PRODUCTS_TABLE).map((p) => [p['productId'], p['stock']]);
const stocked = (...products: ReturnType<typeof stockedProduct>[]) => products.forEach((p) => db().put(PRODUCTS_TABLE, p));
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input);

describe('inventory-service/reserve-stock', () => {
  it('runs as the ReserveStock task of the checkout state machine and may take stock from products', () => {
    const fn = service.functions['reserve-stock'];
    expect(fn.triggers).toEqual([{ type: 'state-machine-task', stateMachine: 'checkout-orchestrator/checkout', states: ['ReserveStock'] }]);
    expect(fn.permissions).toEqual({ tables: { reservations: ['PutItem', 'GetItem'] }, foreignTables: { 'product-service/products': { actions: ['UpdateItem'], attributes: ['productId', 'stock', 'listing'] } } });
  });

  it('takes every line and records the reservation in ONE transaction', async () => {
    stocked(stockedProduct(MUG, 5), stockedProduct(CUP, 3));
    const answer = await reserve({ ...request, correlationId: 'order-1' });

    expect(ReservationResponse.parse(answer)).toEqual({ orderId: ORDER_ID, status: 'RESERVED' });
    expect(transactions()).toEqual([
      {
        TransactItems: [
          {
            Update: {
              TableName: PRODUCTS_TABLE,
              Key: { productId: MUG },
              UpdateExpression: 'SET stock = stock - :q',
              ConditionExpression: 'attribute_exists(listing) AND stock >= :q',
              ExpressionAttributeValues: { ':q': 2 },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Update: {
              TableName: PRODUCTS_TABLE,
              Key: { productId: CUP },
              UpdateExpression: 'SET stock = stock - :q',
              ConditionExpression: 'attribute_exists(listing) AND stock >= :q',
              ExpressionAttributeValues: { ':q': 1 },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Put: {
              TableName: RESERVATIONS_TABLE,
              Item: { orderId: ORDER_ID, lines: request.lines, status: 'RESERVED', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) },
              ConditionExpression: 'attribute_not_exists(orderId)',
            },
          },
        ],
      },
    ]);
    expect(ddb.calls()).toHaveLength(1);
    expect(stock()).toEqual([
      [MUG, 3],
      [CUP, 2],
    ]);
    expect(db().get(RESERVATIONS_TABLE, ORDER_ID)).toMatchObject({ lines: request.lines, status: 'RESERVED' });
  });

  it('takes a product named on two lines once, for both quantities', async () => {
    stocked(stockedProduct(MUG, 10));
    await reserve({ orderId: ORDER_ID, lines: [{ productId: MUG, quantity: 2 }, { productId: MUG, quantity: 3 }] });
    const items = transactions()[0]?.TransactItems ?? [];
    expect(items).toHaveLength(2);
    expect(items[0]?.Update).toMatchObject({ Key: { productId: MUG }, ExpressionAttributeValues: { ':q': 5 } });
    expect(items[1]?.Put?.Item?.['lines']).toEqual([{ productId: MUG, quantity: 5 }]);
    expect(stock()).toEqual([[MUG, 5]]);
  });

  it('throws OutOfStock naming the product that is short, and how short', async () => {
    stocked(stockedProduct(MUG, 5), stockedProduct(CUP, 0));

    const error = await reserve(request).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error).toMatchObject({ name: 'OutOfStock', message: `Out of stock: ${CUP} (requested 1, 0 in stock)`, productIds: [CUP] });
    expect(ddb.calls()).toHaveLength(1);
    // All or nothing: the mugs that were there are not taken either.
    expect(stock()).toEqual([
      [MUG, 5],
      [CUP, 0],
    ]);
    expect(db().items(RESERVATIONS_TABLE)).toEqual([]);
  });

  it('names every product that could not be served, a soft-deleted or unknown one as not in the catalogue', async () => {
    // The cup is soft-deleted (no listing), the plate unknown.
    stocked(stockedProduct(MUG, 1), stockedProduct(CUP, 7, false));

    const error = await reserve({ orderId: ORDER_ID, lines: [...request.lines, { productId: PLATE, quantity: 1 }] }).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'OutOfStock',
      message: `Out of stock: ${MUG} (requested 2, 1 in stock); ${CUP} (not in the catalogue); ${PLATE} (not in the catalogue)`,
      productIds: [MUG, CUP, PLATE],
    });
  });

  it('answers a retry for an order that reserved already with its reservation, taking no stock again', async () => {
    // The first attempt went through; its stock is gone, so the retry's lines may fail too.
    stocked(stockedProduct(MUG, 0), stockedProduct(CUP, 1));
    db().put(RESERVATIONS_TABLE, storedReservation());

    const answer = await reserve(request);

    expect(answer).toEqual({ orderId: ORDER_ID, status: 'RESERVED' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: RESERVATIONS_TABLE, Key: { orderId: ORDER_ID }, ConsistentRead: true });
    expect(stock()).toEqual([
      [MUG, 0],
      [CUP, 1],
    ]);
  });

  it('answers a retry after the reservation was released with its status, still taking nothing', async () => {
    stocked(stockedProduct(MUG, 5), stockedProduct(CUP, 3));
    db().put(RESERVATIONS_TABLE, storedReservation({ status: 'RELEASED' }));
    await expect(reserve(request)).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });
    expect(stock()).toEqual([
      [MUG, 5],
      [CUP, 3],
    ]);
  });

  it('tries a transaction conflict again within the invocation, and takes the stock once', async () => {
    // DynamoDB's own concurrency control cancels it; the fake applies one call at a time, so it is armed with it.
    stocked(stockedProduct(MUG, 5), stockedProduct(CUP, 3));
    db().failNext(TransactWriteCommand, cancelled(CONFLICT, NONE, NONE));
    db().failNext(TransactWriteCommand, cancelled(NONE, CONFLICT, NONE));
    await expect(reserve(request)).resolves.toEqual({ orderId: ORDER_ID, status: 'RESERVED' });
    expect(transactions()).toHaveLength(3);
    expect(stock()).toEqual([
      [MUG, 3],
      [CUP, 2],
    ]);
  });

  it('passes conflicts that go on past its four attempts to the state machine to retry, rather than call them out of stock', async () => {
    stocked(stockedProduct(MUG, 5), stockedProduct(CUP, 3));
    for (let i = 0; i < 4; i++) db().failNext(TransactWriteCommand, cancelled(CONFLICT, NONE, NONE));
    const error = await reserve(request).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransactionCanceledException' });
    expect(error).not.toBeInstanceOf(OutOfStockError);
    expect(transactions()).toHaveLength(4);
    expect(stock()).toEqual([
      [MUG, 5],
      [CUP, 3],
    ]);
  });

  it('takes nothing for an order released before it reserved (a reserve still under way when the checkout gave up on it)', async () => {
    stocked(stockedProduct(MUG, 5), stockedProduct(CUP, 3));
    // As release-stock records an order that never reserved.
    db().put(RESERVATIONS_TABLE, { orderId: ORDER_ID, lines: [], status: 'RELEASED', createdAt: '2026-03-01T10:00:00.000Z', releasedAt: '2026-03-01T10:00:00.000Z' });
    await expect(reserve(request)).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });
    expect(stock()).toEqual([
      [MUG, 5],
      [CUP, 3],
    ]);
  });

  it('passes any other failure on', async () => {
    db().failNext(TransactWriteCommand, Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(reserve(request)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it.each([
    ['no orderId', { lines: request.lines }, 'orderId'],
    ['an orderId that is not a uuid', { ...request, orderId: 'order-1' }, 'orderId'],
    ['no lines', { orderId: ORDER_ID, lines: [] }, 'lines'],
    ['quantity 0', { orderId: ORDER_ID, lines: [{ productId: MUG, quantity: 0 }] }, 'lines.0.quantity'],
    ['a negative quantity', { orderId: ORDER_ID, lines: [{ productId: MUG, quantity: -2 }] }, 'lines.0.quantity'],
    ['an unknown field', { ...request, userId: 'u-1' }, 'userId'],
  ])('throws InvalidRequest naming the field for %s, and writes nothing', async (_case, payload, field) => {
    const error = await reserve(payload).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidRequest' });
    expect((error as Error).message).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
  });
});
