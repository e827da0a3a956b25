import type { Logger } from '@shop/common';
import { type CreateOrderRequest, type CreateOrderResponse, formatMoney, sameMoney } from '@shop/contracts';
import { checkDelaySeconds, type CheckoutStartChecks } from './checkout-start-check';
import type { CheckoutStateMachine } from './checkout-state-machine';
import { CartChangedError, CartEmptyError, CartNotFoundError } from './errors';
import { type IdempotencyStore, newIdempotencyRecord, orderIdFor } from './idempotency';
import { countOpenOrder, type OpenOrdersStore } from './open-orders';
import { newOrder, type OrderRecord } from './order-record';
import type { OrderRepository } from './order-repository';
import type { PeerServices } from './peer-services';
import { priceCart } from './pricing';
import { requestHash } from './request-hash';

export interface PlaceOrderDeps {
  orders: OrderRepository;
  idempotencyKeys: IdempotencyStore;
  openOrders: OpenOrdersStore;
  peers: PeerServices;
  checkout: CheckoutStateMachine;
  startChecks: CheckoutStartChecks;
  paymentWindowSeconds: () => number;
  newOrderId: () => string;
  now: () => Date;
  log: Logger;
}

export interface PlaceOrderRequest {
  userId: string;
  idempotencyKey: string;
  body: CreateOrderRequest;
  correlationId: string;
}

/**
 * Checks out the caller's cart, idempotently by `Idempotency-Key`:
 *
 * 1. claim the key for this body (the same body again continues the first request's order;
 *    another body is refused with 422);
 * 2. unless that order exists already: read the caller's cart (only ever their own: the user id
 *    picks it), price it, count it among the caller's open orders (open-orders.ts: refused with 409
 *    when they hold the most already), send the order's start check (checkout-start-check.ts:
 *    delayed by one payment window, it closes the order if no checkout started by then) and write
 *    the PENDING order;
 * 3. unless it was started already, and while the order is PENDING: start the order's checkout
 *    execution, named after the order, and note that it started, unless the order was closed
 *    meanwhile (then the cart is left alone);
 * 4. once started, unless done already or the order ended unpaid meanwhile: take the ordered lines
 *    out of the cart, tell analytics (without waiting), and note that this was done.
 *
 * Every step is safe to repeat, so a retry after a failure at any point finishes the same work
 * and answers the same order. A retry that finds the order placed does not touch the cart, and
 * one that comes after the order was closed (or cancelled) answers it as it is and starts nothing.
 */
export async function placeOrder(deps: PlaceOrderDeps, request: PlaceOrderRequest): Promise<CreateOrderResponse> {
  const { userId, body, correlationId } = request;
  const now = deps.now();
  const hash = requestHash(body);
  const held = await deps.idempotencyKeys.claim(
    newIdempotencyRecord({ userId, idempotencyKey: request.idempotencyKey, requestHash: hash, orderId: deps.newOrderId(), now }),
    now,
  );
  const orderId = orderIdFor(held, hash);

  const order = (await deps.orders.get(orderId)) ?? (await orderFromCart(deps, { ...request, orderId, now }));

  let started = order.checkoutStartedAt !== undefined;
  if (!started && order.status === 'PENDING') {
    await deps.checkout.start({
      orderId,
      userId,
      // The first request's id, so that the order is followed under one id whichever request started it.
      correlationId: order.correlationId,
      paymentWindowSeconds: deps.paymentWindowSeconds(),
    });
    // Noted before the cart is touched, unless the order was closed meanwhile (a late retry meeting
    // the check of an unstarted order): a closed order keeps its cart, and is answered as it is.
    const marked = await deps.orders.markCheckoutStarted(orderId, now);
    if (!marked) return { orderId, status: (await deps.orders.get(orderId))?.status ?? 'CANCELLED' };
    started = true;
  }
  // An order that ended unpaid (cancelled, its window closed) before a retry came keeps the cart as it is.
  if (started && !order.cartClearedAt && order.status !== 'CANCELLED' && order.status !== 'PAYMENT_FAILED') {
    // A request that stops in here leaves a retry to clear again, which cart-service takes as the
    // repeat it is (it remembers the order id), and to tell analytics again, which counts an order once.
    await clearOrderedLines(deps, order, correlationId);
    await tellAnalytics(deps, order, now);
    await deps.orders.markCartCleared(orderId, now);
  }
  return { orderId, status: order.status };
}

/** Prices the caller's cart and writes it as the PENDING order `orderId` (or finds the order a concurrent request wrote). */
async function orderFromCart(deps: PlaceOrderDeps, request: PlaceOrderRequest & { orderId: string; now: Date }): Promise<OrderRecord> {
  const { orderId, userId, body, correlationId, now } = request;
  try {
    const cart = await deps.peers.readCart(userId, correlationId);
    // Another user's cart id looks exactly like a cart that does not exist.
    if (cart.cartId === null || cart.cartId !== body.cartId) throw new CartNotFoundError();
    if (cart.lines.length === 0) throw new CartEmptyError();
    // What the customer reviewed, when they say: a cart another tab changed is not ordered.
    if (body.cartRevision !== undefined && cart.revision !== undefined && cart.revision !== body.cartRevision) {
      throw new CartChangedError(`it was revision ${body.cartRevision}, it is ${cart.revision} now`);
    }
    const products = await deps.peers.getProducts(
      cart.lines.map((line) => line.productId),
      correlationId,
    );
    const priced = priceCart(cart.lines, products);
    if (body.expectedTotal && !sameMoney(body.expectedTotal, priced.total)) {
      throw new CartChangedError(`it would cost ${formatMoney(priced.total)}, not the ${formatMoney(body.expectedTotal)} you saw`);
    }
    // Last before anything of the order is sent or written: a customer holding the most unpaid
    // orders (their stock reserved) gets none of it, and their cart stays as it is.
    await countOpenOrder(deps, { userId, orderId, now });
    // Before the order exists, so that no order can be left without its check.
    await deps.startChecks.send({ orderId, correlationId }, checkDelaySeconds(deps.paymentWindowSeconds()));
    return await deps.orders.createIfAbsent(newOrder({ orderId, userId, cartId: cart.cartId, ...priced, correlationId, now }));
  } catch (error) {
    // A concurrent request with the same key may have placed the order and emptied the cart
    // while this one read it: that order is the answer, not the empty cart.
    const placed = await deps.orders.get(orderId);
    if (placed) return placed;
    throw error;
  }
}

/**
 * Takes the order's lines out of its cart, so that the customer's next order does not repeat
 * this one. The cart is a convenience: failing to clear it is logged and the order stands.
 */
async function clearOrderedLines(deps: PlaceOrderDeps, order: OrderRecord, correlationId: string): Promise<void> {
  const { orderId, userId, cartId } = order;
  try {
    const lines = order.items.map((item) => ({ productId: item.productId, quantity: item.quantity }));
    const { cleared } = await deps.peers.clearCart({ userId, cartId, orderId, lines }, correlationId);
    deps.log.info({ orderId, cartId, cleared }, 'ordered lines taken out of the cart');
  } catch (error) {
    deps.log.warn({ err: error, orderId, cartId }, 'could not take the ordered lines out of the cart; the order stands');
  }
}

/**
 * The top of the checkout funnel, for analytics: an asynchronous invoke that order-service never
 * waits on. If Lambda cannot even take the event, that is logged and the order stands.
 */
async function tellAnalytics(deps: PlaceOrderDeps, order: OrderRecord, now: Date): Promise<void> {
  const notice = {
    orderId: order.orderId,
    userId: order.userId,
    itemCount: order.items.reduce((sum, item) => sum + item.quantity, 0),
    total: order.total,
    startedAt: now.toISOString(),
  };
  try {
    await deps.peers.checkoutStarted(notice, order.correlationId);
  } catch (error) {
    deps.log.warn({ err: error, orderId: order.orderId }, 'could not tell analytics that the checkout started; the order stands');
  }
}
