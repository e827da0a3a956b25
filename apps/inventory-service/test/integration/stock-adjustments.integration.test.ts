import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { defineService, httpRoute } from '@shop/platform';
import { invokeHandler, lambdaContext, routeEvent } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LedgerReservation, stockLedgers } from '../../src/domain/stock-ledger';
import { handler as adjustStock } from '../../src/handlers/adjust-stock';
import { handler as commitStock } from '../../src/handlers/commit-stock';
import { handler as listStockAdjustments } from '../../src/handlers/list-stock-adjustments';
import { handler as releaseStock } from '../../src/handlers/release-stock';
import { handler as reserveStock } from '../../src/handlers/reserve-stock';
import { service } from '../../src/service';
import { ADMIN } from '../fixtures';
import { LOCAL_TABLES_TEST_TIMEOUT_MS, type LocalTables, startLocalTables } from '@shop/local-cloud';

/**
 * Stock adjustments on DynamoDB Local, racing checkouts on the same product: the real
 * TransactWriteItems with its conditions, cancellation reasons and conflicts. product-service's
 * table is made as its manifest declares it (the key is what matters here), without importing that service.
 */
const productService = defineService({
  name: 'product-service',
  description: 'The products table, as inventory-service uses it.',
  tables: { products: { description: 'Products; stock, initialStock and listing are what inventory uses.', partitionKey: { name: 'productId', type: 'S' } } },
  functions: {},
});

let local: LocalTables;
let productsTable: string;

beforeAll(async () => {
  local = await startLocalTables([service, productService]);
  productsTable = local.tableName('product-service', 'products');
}, 120_000);

afterAll(async () => {
  await local?.stop();
}, 30_000);

async function newProduct(stock: number, listed = true): Promise<string> {
  const productId = randomUUID();
  await local.client.send(
    new PutCommand({ TableName: productsTable, Item: { productId, name: 'Thing', stock, initialStock: stock, ...(listed ? { listing: 'LISTED' } : {}) } }),
  );
  return productId;
}
const stockOf = async (productId: string) =>
  (await local.client.send(new GetCommand({ TableName: productsTable, Key: { productId }, ConsistentRead: true }))).Item?.['stock'] as number;

const adjust = (productId: string, body: unknown, key: string = randomUUID()) =>
  invokeHandler<Record<string, unknown>>(
    adjustStock,
    routeEvent(httpRoute(service, 'adjust-stock'), { pathParameters: { id: productId }, body, claims: ADMIN(), headers: { 'idempotency-key': key } }),
  );
const trail = (productId: string, query: Record<string, string> = {}) =>
  invokeHandler<{ items: { adjustmentId: string; delta: number }[]; nextCursor: string | null }>(
    listStockAdjustments,
    routeEvent(httpRoute(service, 'list-stock-adjustments'), { pathParameters: { id: productId }, query, claims: ADMIN() }),
  );

/** What a client does with 503 STOCK_BUSY: the same request, with the same key, a moment later. */
async function adjustAsAClientWould(productId: string, body: unknown) {
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    const res = await adjust(productId, body, key);
    if (res.status !== 503 || attempt === 10) return res;
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}

/** What the state machine's Retry does for a transaction conflict. */
async function callAsTheStateMachineWould(fn: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>, payload: unknown) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(payload, lambdaContext());
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException' || attempt === 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/** The ledger of one product, from the three tables as they are now. */
async function ledgerOf(productId: string) {
  const product = (await local.client.send(new GetCommand({ TableName: productsTable, Key: { productId }, ConsistentRead: true }))).Item;
  const adjustments = await local.client.send(
    new QueryCommand({
      TableName: local.tableName('inventory-service', 'stock-adjustments'),
      KeyConditionExpression: 'productId = :p',
      ExpressionAttributeValues: { ':p': productId },
      ConsistentRead: true,
    }),
  );
  const reservations = await local.client.send(new ScanCommand({ TableName: local.tableName('inventory-service', 'reservations'), ConsistentRead: true }));
  const [ledger] = stockLedgers({
    products: [{ productId, stock: product?.['stock'], initialStock: product?.['initialStock'] }],
    adjustments: (adjustments.Items ?? []) as { productId: string; delta: number }[],
    reservations: (reservations.Items ?? []) as LedgerReservation[],
  });
  return ledger;
}

describe('stock adjustments on DynamoDB Local', { timeout: LOCAL_TABLES_TEST_TIMEOUT_MS }, () => {
  it('loses no update when 20 reservations and 10 adjustments hit one product at once, and the ledger balances', async () => {
    const productId = await newProduct(12);
    const orders = Array.from({ length: 20 }, () => randomUUID());

    const [reservations, adjustments] = await Promise.all([
      Promise.allSettled(orders.map((orderId) => callAsTheStateMachineWould(reserveStock, { orderId, lines: [{ productId, quantity: 1 }] }))),
      Promise.all(Array.from({ length: 10 }, (_, i) => adjustAsAClientWould(productId, { delta: i % 2 ? 1 : -1, reason: `count ${i}` }))),
    ]);

    const reserved = reservations.filter((r) => r.status === 'fulfilled').length;
    for (const refused of reservations.filter((r) => r.status === 'rejected')) expect((refused.reason as Error).name).toBe('OutOfStock');
    const applied = adjustments.filter((a) => a.status === 201);
    for (const a of adjustments.filter((x) => x.status !== 201)) expect(a.body).toMatchObject({ error: { code: 'INSUFFICIENT_STOCK' } });
    const adjusted = applied.reduce((sum, a) => sum + (a.body['delta'] as number), 0);

    expect(await stockOf(productId)).toBe(12 + adjusted - reserved);
    expect(await ledgerOf(productId)).toMatchObject({ reserved, adjusted, difference: 0, problems: [] });
    expect((await trail(productId, { limit: '100' })).body.items).toHaveLength(applied.length);

    // Then every order ends, paid or released, while more adjustments land: still balanced.
    const ends = orders.map((orderId, i) => callAsTheStateMachineWould(i % 2 ? commitStock : releaseStock, { orderId }).catch((e: Error) => e));
    const more = Array.from({ length: 6 }, (_, i) => adjustAsAClientWould(productId, { delta: i % 2 ? 2 : -1, reason: `recount ${i}` }));
    await Promise.all([...ends, ...more]);
    const ledger = await ledgerOf(productId);
    expect(ledger).toMatchObject({ reserved: 0, difference: 0, problems: [] });
    expect(ledger?.available).toBeGreaterThanOrEqual(0);
  });

  it('applies a repeated request once, even when the repeats race, and answers each with the same adjustment', async () => {
    const productId = await newProduct(5);
    const key = randomUUID();

    const answers = await Promise.all([1, 2, 3, 4].map(() => adjust(productId, { delta: 3, reason: 'delivery 1' }, key)));

    for (const a of answers) expect(a.status).toBe(201);
    expect(new Set(answers.map((a) => a.body['adjustmentId'])).size).toBe(1);
    expect(await stockOf(productId)).toBe(8);
    expect((await trail(productId)).body.items).toHaveLength(1);

    const reused = await adjust(productId, { delta: 4, reason: 'delivery 1' }, key);
    expect(reused.status).toBe(422);
    expect(await stockOf(productId)).toBe(8);
  });

  it('refuses to take stock below 0, saying how much there is, and changes nothing', async () => {
    const productId = await newProduct(2);
    const res = await adjust(productId, { delta: -3, reason: 'lost' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'INSUFFICIENT_STOCK', message: 'Not enough stock: 2 available, so a delta of -3 would take it below 0' } });
    expect(await stockOf(productId)).toBe(2);
    expect((await trail(productId)).body.items).toEqual([]);
    // Down to exactly 0 is fine.
    expect((await adjust(productId, { delta: -2, reason: 'lost' })).body).toMatchObject({ stockAfter: 0 });
  });

  it('answers 404 for an unknown or soft-deleted product, and keeps a deleted product\'s trail readable', async () => {
    const deleted = await newProduct(4, false);
    expect((await adjust(deleted, { delta: 1, reason: 'found' })).status).toBe(404);
    expect((await adjust(randomUUID(), { delta: 1, reason: 'found' })).status).toBe(404);
    expect(await stockOf(deleted)).toBe(4);
    expect((await trail(deleted)).status).toBe(200);
    expect((await trail(randomUUID())).status).toBe(404);
  });

  it('pages through the trail newest first, each adjustment once', async () => {
    const productId = await newProduct(0);
    for (let i = 1; i <= 5; i++) expect((await adjust(productId, { delta: i, reason: `delivery ${i}` })).status).toBe(201);

    const deltas: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await trail(productId, { limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      deltas.push(...page.body.items.map((i) => i.delta));
      cursor = page.body.nextCursor;
    } while (cursor);

    expect(deltas).toEqual([5, 4, 3, 2, 1]);
    expect(await stockOf(productId)).toBe(15);
  });
});
