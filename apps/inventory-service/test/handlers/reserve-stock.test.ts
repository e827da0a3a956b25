import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ReservationResponse } from '@shop/domain';
import { lambdaContext } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { OutOfStockError } from '../../src/domain/errors';
import { handler } from '../../src/handlers/reserve-stock';
import { service } from '../../src/service';
import {
  cancelled,
  conditionFailed,
  CONFLICT,
  CUP,
  MUG,
  NONE,
  ORDER_ID,
  PLATE,
  PRODUCTS_TABLE,
  RESERVATIONS_TABLE,
  storedReservation,
  withInventoryEnvironment,
} from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
withInventoryEnvironment();
beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
});
afterAll(() => {
  ddb.restore();
});

const reserve = (payload: unknown) => handler(payload, lambdaContext('reserve-stock'));
const request = { orderId: ORDER_ID, lines: [{ productId: MUG, quantity: 2 }, { productId: CUP, quantity: 1 }] };
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input);

describe('inventory-service/reserve-stock', () => {
  it('runs as the ReserveStock task of the checkout state machine and may take stock from products', () => {
    const fn = service.functions['reserve-stock'];
    expect(fn.triggers).toEqual([{ type: 'state-machine-task', stateMachine: 'checkout-orchestrator/checkout', states: ['ReserveStock'] }]);
    expect(fn.permissions).toEqual({ tables: { reservations: ['PutItem', 'GetItem'] }, foreignTables: { 'product-service/products': { actions: ['UpdateItem'], attributes: ['productId', 'stock', 'listing'] } } });
  });

  it('takes every line and records the reservation in ONE transaction', async () => {
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
  });

  it('takes a product named on two lines once, for both quantities', async () => {
    await reserve({ orderId: ORDER_ID, lines: [{ productId: MUG, quantity: 2 }, { productId: MUG, quantity: 3 }] });
    const items = transactions()[0]?.TransactItems ?? [];
    expect(items).toHaveLength(2);
    expect(items[0]?.Update).toMatchObject({ Key: { productId: MUG }, ExpressionAttributeValues: { ':q': 5 } });
    expect(items[1]?.Put?.Item?.['lines']).toEqual([{ productId: MUG, quantity: 5 }]);
  });

  it('throws OutOfStock naming the product that is short, and how short', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(NONE, conditionFailed({ productId: { S: CUP }, stock: { N: '0' }, listing: { S: 'LISTED' } }), NONE));

    const error = await reserve(request).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error).toMatchObject({ name: 'OutOfStock', message: `Out of stock: ${CUP} (requested 1, 0 in stock)`, productIds: [CUP] });
    expect(ddb.calls()).toHaveLength(1);
  });

  it('names every product that could not be served, a soft-deleted or unknown one as not in the catalogue', async () => {
    ddb.on(TransactWriteCommand).rejects(
      cancelled(conditionFailed({ productId: { S: MUG }, stock: { N: '1' }, listing: { S: 'LISTED' } }), conditionFailed({ productId: { S: CUP }, stock: { N: '7' } }), conditionFailed(), NONE),
    );

    const error = await reserve({ orderId: ORDER_ID, lines: [...request.lines, { productId: PLATE, quantity: 1 }] }).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'OutOfStock',
      message: `Out of stock: ${MUG} (requested 2, 1 in stock); ${CUP} (not in the catalogue); ${PLATE} (not in the catalogue)`,
      productIds: [MUG, CUP, PLATE],
    });
  });

  it('answers a retry for an order that reserved already with its reservation, taking no stock again', async () => {
    // The first attempt went through; its stock is gone, so the retry's lines may fail too.
    ddb.on(TransactWriteCommand).rejects(cancelled(conditionFailed(), NONE, conditionFailed()));
    ddb.on(GetCommand).resolves({ Item: storedReservation() });

    const answer = await reserve(request);

    expect(answer).toEqual({ orderId: ORDER_ID, status: 'RESERVED' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: RESERVATIONS_TABLE, Key: { orderId: ORDER_ID }, ConsistentRead: true });
  });

  it('answers a retry after the reservation was released with its status, still taking nothing', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(NONE, NONE, conditionFailed()));
    ddb.on(GetCommand).resolves({ Item: storedReservation({ status: 'RELEASED' }) });
    await expect(reserve(request)).resolves.toEqual({ orderId: ORDER_ID, status: 'RELEASED' });
  });

  it('passes a transaction conflict on, for the state machine to retry, rather than call it out of stock', async () => {
    const conflict = cancelled(CONFLICT, NONE, NONE);
    ddb.on(TransactWriteCommand).rejects(conflict);
    const error = await reserve(request).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransactionCanceledException' });
    expect(error).not.toBeInstanceOf(OutOfStockError);
  });

  it('passes any other failure on', async () => {
    ddb.on(TransactWriteCommand).rejects(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));
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
