import type { ClearCartRequest, OrderStatus } from '@shop/contracts';
import { createLogger } from '@shop/common';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CheckoutStartCheck } from '../../src/domain/checkout-start-check';
import type { IdempotencyRecord, IdempotencyStore } from '../../src/domain/idempotency';
import { countOpenOrder, MAX_OPEN_ORDERS, type OpenOrdersRecord, type OpenOrdersStore, UNWRITTEN_ORDER_COUNTS_SECONDS } from '../../src/domain/open-orders';
import type { OrderRecord } from '../../src/domain/order-record';
import type { OrderRepository } from '../../src/domain/order-repository';
import { placeOrder, type PlaceOrderDeps } from '../../src/domain/place-order';
import { ANN_ID, annsCart, CART_ID, mug, plate, storedOrder } from '../fixtures';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const secondsBefore = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
const orderId = (n: number) => `0d9b7f4e-0000-4a2b-8c3d-00000000000${n}`;

/** The orders table in memory, with the writes placeOrder makes; the others are no part of checking out. */
function inMemoryOrders() {
  const table = new Map<string, OrderRecord>();
  const written: string[] = [];
  const unused = async (): Promise<never> => {
    throw new Error('placeOrder does not do this');
  };
  const repository: OrderRepository = {
    async get(id) {
      return structuredClone(table.get(id));
    },
    async createIfAbsent(order) {
      written.push(order.orderId);
      if (!table.has(order.orderId)) table.set(order.orderId, structuredClone(order));
      return structuredClone(table.get(order.orderId)!);
    },
    async markCheckoutStarted(id, now) {
      const order = table.get(id);
      if (!order) return undefined;
      order.checkoutStartedAt ??= now.toISOString();
      return structuredClone(order);
    },
    async markCartCleared(id, now) {
      const order = table.get(id);
      if (order) order.cartClearedAt = now.toISOString();
    },
    awaitPayment: unused,
    beginPayment: unused,
    releasePaymentClaim: unused,
    recordPayment: unused,
    recordLateDecline: unused,
    recordChargeToRefund: unused,
    refundRecordedCharge: unused,
    recordRefundOutcome: unused,
    clearTaskToken: unused,
    move: unused,
    listByUser: unused,
  };
  return { repository, table, written };
}

/** The open-orders table in memory, with the adapter's condition: a write lands only on the version it read. */
function inMemoryOpenOrders() {
  const records = new Map<string, OpenOrdersRecord>();
  const saves: OpenOrdersRecord[] = [];
  /** Run before a read is answered: how a test lets another checkout in between. */
  const beforeGet: (() => Promise<void>)[] = [];
  const store: OpenOrdersStore = {
    async get(userId) {
      await beforeGet.shift()?.();
      return structuredClone(records.get(userId));
    },
    async save(record) {
      saves.push(structuredClone(record));
      if ((records.get(record.userId)?.version ?? 0) !== record.version - 1) return false;
      records.set(record.userId, structuredClone(record));
      return true;
    },
  };
  return { store, records, saves, beforeGet };
}

/** Remembers keys as the DynamoDB store does: the first claim of a key holds it. */
function inMemoryKeys(): IdempotencyStore {
  const held = new Map<string, IdempotencyRecord>();
  return {
    async claim(record) {
      if (!held.has(record.key)) held.set(record.key, record);
      return held.get(record.key)!;
    },
  };
}

let orders: ReturnType<typeof inMemoryOrders>;
let openOrders: ReturnType<typeof inMemoryOpenOrders>;
let keys: IdempotencyStore;
let cartLines: ReturnType<typeof annsCart>['lines'];
let clears: ClearCartRequest[];
let starts: string[];
let checks: CheckoutStartCheck[];
let nextOrder: number;

beforeEach(() => {
  orders = inMemoryOrders();
  openOrders = inMemoryOpenOrders();
  keys = inMemoryKeys();
  cartLines = annsCart().lines;
  clears = [];
  starts = [];
  checks = [];
  nextOrder = 5;
});

function deps(): PlaceOrderDeps {
  return {
    orders: orders.repository,
    idempotencyKeys: keys,
    openOrders: openOrders.store,
    peers: {
      readCart: async () => annsCart({ lines: structuredClone(cartLines) }),
      getProducts: async (ids) => [mug, plate].filter((p) => ids.includes(p.productId)),
      clearCart: async (request) => {
        clears.push(request);
        cartLines = [];
        return { cleared: true };
      },
      checkAvailability: async () => {
        throw new Error('not part of placing an order');
      },
      releaseStock: async () => {
        throw new Error('not part of placing an order');
      },
      checkoutStarted: async () => undefined,
    },
    checkout: {
      start: async (input) => (starts.push(input.orderId), 'started'),
      started: async () => false,
      succeedTask: async () => 'reported',
      failTask: async () => 'reported',
    },
    startChecks: { send: async (check) => void checks.push(check) },
    paymentWindowSeconds: () => 900,
    newOrderId: () => orderId(nextOrder++),
    now: () => NOW,
    log: createLogger({ level: 'silent' }),
  };
}

const place = (key = 'checkout-key-0005', d = deps()) => placeOrder(d, { userId: ANN_ID, idempotencyKey: key, body: { cartId: CART_ID }, correlationId: 'corr-1' });

/** Ann's orders 1..n, written in the given statuses and counted as open. */
function annHolds(statuses: readonly OrderStatus[]): void {
  statuses.forEach((status, i) => orders.table.set(orderId(i + 1), storedOrder({ orderId: orderId(i + 1), status })));
  openOrders.records.set(ANN_ID, {
    userId: ANN_ID,
    orders: statuses.map((_, i) => ({ orderId: orderId(i + 1), countedAt: secondsBefore(600) })),
    version: 4,
    updatedAt: secondsBefore(600),
  });
}

const counted = () => openOrders.records.get(ANN_ID)?.orders.map((o) => o.orderId);

describe('the cap on orders awaiting payment', () => {
  it('is 3 orders', () => {
    expect(MAX_OPEN_ORDERS).toBe(3);
  });

  it('refuses a 4th open order with 409 TOO_MANY_OPEN_ORDERS, naming the limit, and writes nothing: no order, no check, no checkout, the cart as it was', async () => {
    annHolds(['PENDING', 'AWAITING_PAYMENT', 'AWAITING_PAYMENT']);

    await expect(place()).rejects.toMatchObject({
      status: 409,
      code: 'TOO_MANY_OPEN_ORDERS',
      message: 'You have 3 orders awaiting payment; pay for or cancel one of them before placing another',
    });

    expect(orders.written).toEqual([]);
    expect(orders.table.has(orderId(5))).toBe(false);
    expect(checks).toEqual([]);
    expect(starts).toEqual([]);
    expect(clears).toEqual([]);
    expect(cartLines).toEqual(annsCart().lines);
    expect(openOrders.saves).toEqual([]);
    expect(counted()).toEqual([orderId(1), orderId(2), orderId(3)]);
  });

  it('places the 3rd, and counts it with the other two', async () => {
    annHolds(['PENDING', 'AWAITING_PAYMENT']);

    expect(await place()).toEqual({ orderId: orderId(5), status: 'PENDING' });

    expect(counted()).toEqual([orderId(1), orderId(2), orderId(5)]);
    expect(openOrders.records.get(ANN_ID)).toMatchObject({ version: 5, orders: [expect.anything(), expect.anything(), { orderId: orderId(5), countedAt: NOW.toISOString() }] });
    expect(starts).toEqual([orderId(5)]);
  });

  it("counts a customer's first order in a new record, version 1", async () => {
    await place();
    expect(openOrders.records.get(ANN_ID)).toEqual({ userId: ANN_ID, orders: [{ orderId: orderId(5), countedAt: NOW.toISOString() }], version: 1, updatedAt: NOW.toISOString() });
  });

  it.each(['PAID', 'CANCELLED', 'PAYMENT_FAILED'] as const)('no longer counts a counted order that is %s, and drops it from the count', async (ended) => {
    annHolds(['AWAITING_PAYMENT', ended, 'PENDING']);

    expect(await place()).toEqual({ orderId: orderId(5), status: 'PENDING' });

    expect(counted()).toEqual([orderId(1), orderId(3), orderId(5)]);
  });

  it('drops a counted order that was never written, once it is too old to be on its way', async () => {
    annHolds(['AWAITING_PAYMENT', 'AWAITING_PAYMENT', 'AWAITING_PAYMENT']);
    orders.table.delete(orderId(2));

    expect(await place()).toEqual({ orderId: orderId(5), status: 'PENDING' });

    expect(counted()).toEqual([orderId(1), orderId(3), orderId(5)]);
  });

  it('still counts a counted order not written yet while the checkout that counted it may be writing it', async () => {
    annHolds(['AWAITING_PAYMENT', 'AWAITING_PAYMENT', 'AWAITING_PAYMENT']);
    orders.table.delete(orderId(2));
    openOrders.records.get(ANN_ID)!.orders[1]!.countedAt = secondsBefore(UNWRITTEN_ORDER_COUNTS_SECONDS - 1);

    await expect(place()).rejects.toMatchObject({ code: 'TOO_MANY_OPEN_ORDERS' });
    expect(orders.written).toEqual([]);
  });

  it('never refuses a retry whose order is written, however many orders are open: it answers that order', async () => {
    const first = await place('checkout-key-retry');
    // Meanwhile three more orders were placed (another device, say): four are open.
    [1, 2, 3].forEach((n) => orders.table.set(orderId(n), storedOrder({ orderId: orderId(n), status: 'AWAITING_PAYMENT' })));
    openOrders.records.set(ANN_ID, { userId: ANN_ID, orders: [1, 2, 3].map((n) => ({ orderId: orderId(n), countedAt: NOW.toISOString() })), version: 9, updatedAt: NOW.toISOString() });
    const savesBefore = openOrders.saves.length;

    expect(await place('checkout-key-retry')).toEqual(first);
    expect(openOrders.saves).toHaveLength(savesBefore);
  });

  it('does not count a retry against its own order when that order was counted and never written', async () => {
    annHolds(['AWAITING_PAYMENT', 'AWAITING_PAYMENT']);
    // The first try counted order 5, then failed before writing it; its retry comes at once.
    openOrders.records.get(ANN_ID)!.orders.push({ orderId: orderId(5), countedAt: NOW.toISOString() });

    expect(await place()).toEqual({ orderId: orderId(5), status: 'PENDING' });
    expect(counted()).toEqual([orderId(1), orderId(2), orderId(5)]);
  });

  describe('two checkouts of one customer at once, with one place left', () => {
    it('lets exactly one through: the other loses the write, reads again, and is refused though the winner has not written its order yet', async () => {
      annHolds(['AWAITING_PAYMENT', 'AWAITING_PAYMENT']);
      // Both read the count before either writes it.
      let bothRead!: () => void;
      const gate = new Promise<void>((resolve) => (bothRead = resolve));
      let reads = 0;
      const readTogether = async () => {
        if (++reads === 2) bothRead();
        await gate;
      };
      openOrders.beforeGet.push(readTogether, readTogether);
      // The winner stops before sending its check (its order not written) until the other is answered.
      let loserAnswered!: () => void;
      const loserDone = new Promise<void>((resolve) => (loserAnswered = resolve));
      const winnerDeps = deps();
      winnerDeps.startChecks = { send: async (check) => (await loserDone, void checks.push(check)) };

      const winner = place('checkout-key-aaaa', winnerDeps);
      const loser = place('checkout-key-bbbb').finally(loserAnswered);
      const [won, lost] = await Promise.allSettled([winner, loser]);

      expect(won).toEqual({ status: 'fulfilled', value: { orderId: orderId(5), status: 'PENDING' } });
      expect(lost).toMatchObject({ status: 'rejected', reason: { code: 'TOO_MANY_OPEN_ORDERS' } });
      // The loser's write was refused on the version both read, and it wrote no second one.
      expect(openOrders.saves.map((s) => [s.version, s.orders.at(-1)?.orderId])).toEqual([
        [5, orderId(5)],
        [5, orderId(6)],
      ]);
      expect(counted()).toEqual([orderId(1), orderId(2), orderId(5)]);
      expect(orders.written).toEqual([orderId(5)]);
      expect(starts).toEqual([orderId(5)]);
    });
  });

  it('gives up with 503 SERVICE_UNAVAILABLE, counting nothing, when every write loses a race', async () => {
    const store: OpenOrdersStore = { get: async () => undefined, save: async () => false };
    await expect(countOpenOrder({ openOrders: store, orders: orders.repository }, { userId: ANN_ID, orderId: orderId(5), now: NOW })).rejects.toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
  });
});
