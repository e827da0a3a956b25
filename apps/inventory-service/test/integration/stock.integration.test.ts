import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { defineService, findRepoRoot } from '@shop/platform';
import type { ReservationResponse } from '@shop/contracts';
import { lambdaContext } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as checkAvailability } from '../../src/handlers/check-availability';
import { handler as commitStock } from '../../src/handlers/commit-stock';
import { handler as releaseStock } from '../../src/handlers/release-stock';
import { handler as reserveStock } from '../../src/handlers/reserve-stock';
import { service } from '../../src/service';
import { LOCAL_TABLES_TEST_TIMEOUT_MS, type LocalTables, startLocalTables } from '@shop/local-cloud';

/**
 * Reservations on DynamoDB Local: the real TransactWriteItems, its conditions and cancellation
 * reasons, under real concurrency. product-service's table is made as its manifest declares it
 * (the key is what matters here), without importing that service.
 */
const productService = defineService({
  name: 'product-service',
  description: 'The products table, as inventory-service uses it.',
  tables: { products: { description: 'Products; stock and listing are what inventory reads.', partitionKey: { name: 'productId', type: 'S' } } },
  functions: {},
});

let local: LocalTables;
let productsTable: string;
let n = 0;
const newId = (prefix: string) => `${prefix}0000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

beforeAll(async () => {
  local = await startLocalTables([service, productService]);
  productsTable = local.tableName('product-service', 'products');
}, 120_000);

afterAll(async () => {
  await local?.stop();
}, 30_000);

async function newProduct(stock: number, listed = true): Promise<string> {
  const productId = newId('a');
  await local.client.send(new PutCommand({ TableName: productsTable, Item: { productId, name: 'Thing', stock, ...(listed ? { listing: 'LISTED' } : {}) } }));
  return productId;
}
const stockOf = async (productId: string) =>
  (await local.client.send(new GetCommand({ TableName: productsTable, Key: { productId }, ConsistentRead: true }))).Item?.['stock'] as number;
const reservation = async (orderId: string) =>
  (await local.client.send(new GetCommand({ TableName: local.tableName('inventory-service', 'reservations'), Key: { orderId }, ConsistentRead: true }))).Item;

const call = <T>(fn: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<T>, payload: unknown) => fn(payload, lambdaContext());

/** The checkout definition's retries of a failed ReserveStock task (its `States.TaskFailed` retrier): the budget a conflict must fit in. */
const RESERVE_TASK_ATTEMPTS = (() => {
  const definition = JSON.parse(readFileSync(join(findRepoRoot(), 'apps/checkout-orchestrator/src/checkout.asl.json'), 'utf8')) as {
    States: Record<string, { Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[] }>;
  };
  const retrier = definition.States['ReserveStock']?.Retry?.find((r) => r.ErrorEquals.includes('States.TaskFailed'));
  return 1 + (retrier?.MaxAttempts ?? 0);
})();

/** What the state machine's Retry does for a transaction conflict, with its own budget; anything else is the task's outcome. */
async function reserveAsTheStateMachineWould(payload: unknown): Promise<ReservationResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(reserveStock, payload);
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException' || attempt >= RESERVE_TASK_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

describe('stock reservations on DynamoDB Local', { timeout: LOCAL_TABLES_TEST_TIMEOUT_MS }, () => {
  it('lets exactly 5 of 20 concurrent orders reserve the last 5 units, and never goes below 0', async () => {
    const productId = await newProduct(5);
    const orders = Array.from({ length: 20 }, () => newId('b'));

    const seen: number[] = [];
    let running = true;
    const watcher = (async () => {
      while (running) seen.push(await stockOf(productId));
    })();
    const outcomes = await Promise.allSettled(orders.map((orderId) => reserveAsTheStateMachineWould({ orderId, lines: [{ productId, quantity: 1 }] })));
    running = false;
    await watcher;

    const reserved = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
    expect(reserved).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const error of refused) {
      expect(error.name).toBe('OutOfStock');
      expect(error.message).toBe(`Out of stock: ${productId} (requested 1, 0 in stock)`);
    }
    expect(await stockOf(productId)).toBe(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    // Only the orders that got stock have a reservation.
    const withReservation = await Promise.all(orders.map(reservation));
    expect(withReservation.filter(Boolean)).toHaveLength(5);
  });

  it('reserves all lines or none, naming the product that is short', async () => {
    const plenty = await newProduct(5);
    const scarce = await newProduct(1);
    const orderId = newId('c');

    const error = await call(reserveStock, { orderId, lines: [{ productId: plenty, quantity: 2 }, { productId: scarce, quantity: 2 }] }).catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'OutOfStock', message: `Out of stock: ${scarce} (requested 2, 1 in stock)` });
    expect(await stockOf(plenty)).toBe(5);
    expect(await stockOf(scarce)).toBe(1);
    expect(await reservation(orderId)).toBeUndefined();
  });

  it('refuses a soft-deleted product even with stock', async () => {
    const unlisted = await newProduct(10, false);
    await expect(call(reserveStock, { orderId: newId('c'), lines: [{ productId: unlisted, quantity: 1 }] })).rejects.toMatchObject({
      name: 'OutOfStock',
      message: `Out of stock: ${unlisted} (not in the catalogue)`,
    });
    expect(await stockOf(unlisted)).toBe(10);
  });

  it('answers a retried reservation with the first one, taking the stock once', async () => {
    const productId = await newProduct(3);
    const orderId = newId('d');
    const request = { orderId, lines: [{ productId, quantity: 3 }] };

    expect(await call(reserveStock, request)).toEqual({ orderId, status: 'RESERVED' });
    expect(await call(reserveStock, request)).toEqual({ orderId, status: 'RESERVED' });
    expect(await stockOf(productId)).toBe(0);
  });

  it('gives the stock back once however often the order is released, even at the same time', async () => {
    const productId = await newProduct(4);
    const first = newId('e');
    const second = newId('e');
    await call(reserveStock, { orderId: first, lines: [{ productId, quantity: 1 }] });
    await call(reserveStock, { orderId: second, lines: [{ productId, quantity: 2 }] });
    expect(await stockOf(productId)).toBe(1);

    expect(await call(releaseStock, { orderId: first })).toEqual({ orderId: first, status: 'RELEASED' });
    expect(await call(releaseStock, { orderId: first })).toEqual({ orderId: first, status: 'RELEASED' });
    expect(await stockOf(productId)).toBe(2);

    // Conflicts among them are tried again within each call: all three answer RELEASED, and the stock comes back once.
    const together = await Promise.all([1, 2, 3].map(() => call(releaseStock, { orderId: second })));
    for (const answer of together) expect(answer).toEqual({ orderId: second, status: 'RELEASED' });
    expect(await stockOf(productId)).toBe(4);
    expect(await reservation(second)).toMatchObject({ status: 'RELEASED' });
  });

  it('releases an order that never reserved without giving any stock, and a reserve that comes after takes none', async () => {
    const productId = await newProduct(3);
    const orderId = newId('f');
    expect(await call(releaseStock, { orderId })).toEqual({ orderId, status: 'RELEASED' });
    expect(await reservation(orderId)).toMatchObject({ status: 'RELEASED', lines: [] });

    expect(await call(reserveStock, { orderId, lines: [{ productId, quantity: 2 }] })).toEqual({ orderId, status: 'RELEASED' });
    expect(await stockOf(productId)).toBe(3);
  });

  it('commits once, and refuses to commit a released reservation', async () => {
    const productId = await newProduct(2);
    const paid = newId('9');
    const cancelledOrder = newId('9');
    await call(reserveStock, { orderId: paid, lines: [{ productId, quantity: 1 }] });
    await call(reserveStock, { orderId: cancelledOrder, lines: [{ productId, quantity: 1 }] });

    expect(await call(commitStock, { orderId: paid })).toEqual({ orderId: paid, status: 'COMMITTED' });
    expect(await call(commitStock, { orderId: paid })).toEqual({ orderId: paid, status: 'COMMITTED' });
    expect(await call(releaseStock, { orderId: paid })).toEqual({ orderId: paid, status: 'COMMITTED' });

    await call(releaseStock, { orderId: cancelledOrder });
    await expect(call(commitStock, { orderId: cancelledOrder })).rejects.toMatchObject({ name: 'ReservationReleased' });
    expect(await stockOf(productId)).toBe(1);
  });

  it('checks availability from the same table, reading only', async () => {
    const productId = await newProduct(2);
    expect(await call(checkAvailability, { lines: [{ productId, quantity: 2 }] })).toEqual({
      available: true,
      lines: [{ productId, requested: 2, inStock: 2, listed: true }],
    });
    expect(await call(checkAvailability, { lines: [{ productId, quantity: 3 }] })).toMatchObject({ available: false });
    expect(await stockOf(productId)).toBe(2);
  });
});
