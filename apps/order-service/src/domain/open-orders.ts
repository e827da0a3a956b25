import { CheckoutUnavailableError, TooManyOpenOrdersError } from './errors';
import type { OrderRepository } from './order-repository';
import { isFinal } from './transitions';

/**
 * At most this many orders of one customer may wait for payment at once. Each one holds its lines
 * reserved for the payment window: without a cap, one account could reserve a product's whole
 * stock, let the window run out, and do it again. A customer who pays for what they order never
 * comes near it.
 */
export const MAX_OPEN_ORDERS = 3;

/**
 * How long an order counted as open still counts while it is not written yet. create-order counts
 * an order before it writes it, within one run that its timeout (15 s, service.ts) ends: an order
 * not written after that never will be by that run, and a retry with its key counts it again. Until
 * then it is on its way, and counts, so that concurrent checkouts cannot each drop the others'.
 */
export const UNWRITTEN_ORDER_COUNTS_SECONDS = 30;

/** Reads and conditional writes of the count before giving up: each lost race is another checkout of the customer's that counted, so a few suffice. */
export const OPEN_ORDERS_WRITE_ATTEMPTS = MAX_OPEN_ORDERS + 2;

/** One order the count holds, and when the checkout that placed it counted it. */
export interface CountedOrder {
  orderId: string;
  countedAt: string;
}

/** The orders of one customer that create-order last counted as open. */
export interface OpenOrdersRecord {
  userId: string;
  /** At most {@link MAX_OPEN_ORDERS}. */
  orders: CountedOrder[];
  /** 1 for the first; each write is conditional on the version it read. */
  version: number;
  updatedAt: string;
}

/** Where each customer's open orders are counted: one record per customer, written with optimistic concurrency. */
export interface OpenOrdersStore {
  /** The customer's record, read strongly consistent; `undefined` before their first order. */
  get(userId: string): Promise<OpenOrdersRecord | undefined>;
  /**
   * Stores `record` if the stored one is still the version before it (version 1: if there is none
   * yet). `false` when another write came first; nothing was written then.
   */
  save(record: OpenOrdersRecord): Promise<boolean>;
}

export interface CountOpenOrderDeps {
  openOrders: OpenOrdersStore;
  orders: Pick<OrderRepository, 'get'>;
}

/**
 * Counts `orderId` among the customer's open orders before it is written, or refuses it (409
 * TOO_MANY_OPEN_ORDERS) when they hold {@link MAX_OPEN_ORDERS} others already. The orders the count
 * holds are read again each time (strongly consistent), and only those still PENDING or
 * AWAITING_PAYMENT stay, so no other handler has to take an order out when it ends; one that was
 * never written (its checkout failed after counting it) drops out once it is too old to be on its way.
 * The write is conditional on the version read: of concurrent checkouts of one customer, only as
 * many as there are places left get one, and the others read again and are refused.
 */
export async function countOpenOrder(deps: CountOpenOrderDeps, request: { userId: string; orderId: string; now: Date }): Promise<void> {
  const { userId, orderId, now } = request;
  for (let attempt = 1; attempt <= OPEN_ORDERS_WRITE_ATTEMPTS; attempt++) {
    const record = await deps.openOrders.get(userId);
    const others = await stillOpen(deps, record?.orders ?? [], { orderId, now });
    if (others.length >= MAX_OPEN_ORDERS) throw new TooManyOpenOrdersError(MAX_OPEN_ORDERS);
    const counted: OpenOrdersRecord = {
      userId,
      orders: [...others, { orderId, countedAt: now.toISOString() }],
      version: (record?.version ?? 0) + 1,
      updatedAt: now.toISOString(),
    };
    if (await deps.openOrders.save(counted)) return;
  }
  throw new CheckoutUnavailableError(`the open orders of ${userId} changed on each of ${OPEN_ORDERS_WRITE_ATTEMPTS} attempts`, undefined);
}

/** The counted orders other than `orderId` (a retry of its checkout counts it anew) that are still open, or on their way to be written. */
async function stillOpen(deps: CountOpenOrderDeps, counted: readonly CountedOrder[], request: { orderId: string; now: Date }): Promise<CountedOrder[]> {
  const others = counted.filter((order) => order.orderId !== request.orderId);
  const orders = await Promise.all(others.map((order) => deps.orders.get(order.orderId)));
  return others.filter((entry, i) => {
    const order = orders[i];
    // Not final: PENDING or AWAITING_PAYMENT, its stock held and not paid for yet.
    if (order) return !isFinal(order.status);
    return request.now.getTime() - Date.parse(entry.countedAt) < UNWRITTEN_ORDER_COUNTS_SECONDS * 1000;
  });
}
