import { InvokeCommand, LambdaClient, type InvokeCommandInput } from '@aws-sdk/client-lambda';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { CheckoutInput, CheckoutStarted, ClearCartRequest, CreateOrderResponse, type ReadCartResponse } from '@shop/contracts';
import { invokeHandler, routeEvent, type JwtClaims, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkDelaySeconds } from '../../src/domain/checkout-start-check';
import { handler } from '../../src/handlers/create-order';
import { service } from '../../src/service';
import {
  ANN,
  ANN_ID,
  annsCart,
  answered,
  BOB,
  BOB_ID,
  CART_ID,
  failed,
  functionName,
  KEYS_TABLE,
  mug,
  MUG_ID,
  OPEN_ORDERS_TABLE,
  ORDERS_TABLE,
  PAYMENT_WINDOW_SECONDS,
  plate,
  PLATE_ID,
  sentPayload,
  START_CHECKS_QUEUE_URL,
  STATE_MACHINE_ARN,
  storedOrder,
  TABLE_KEYS,
  withOrderServiceEnv,
} from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'create-order'] });
const lambda = mockClient(LambdaClient);
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
const route = httpRoute(service, 'create-order');
withOrderServiceEnv();

/** Each user's cart, as cart-service holds them. */
let carts: Record<string, ReadCartResponse>;
let catalogue = [mug, plate];
/** The orders cart-service has taken out of a cart, as it remembers them. */
let clearedOrders: Set<string>;
/** Whether the order was in the table when cart-service was asked to clear it, by order id. */
let orderWrittenAtClear: Record<string, boolean>;
/** Whether the order was in the table when its start check was sent, by order id. */
let orderWrittenAtCheck: Record<string, boolean>;

/** cart-service/clear-cart as it behaves: once per order, on the cart the order was placed from. */
function clearCart(request: ClearCartRequest): { cleared: boolean } {
  orderWrittenAtClear[request.orderId] = db().get(ORDERS_TABLE, request.orderId) !== undefined;
  const cart = carts[request.userId];
  if (!cart || cart.cartId !== request.cartId || clearedOrders.has(request.orderId)) return { cleared: false };
  clearedOrders.add(request.orderId);
  const ordered = new Map(request.lines.map((l) => [l.productId, l.quantity]));
  cart.lines = cart.lines.map((l) => ({ ...l, quantity: l.quantity - (ordered.get(l.productId) ?? 0) })).filter((l) => l.quantity > 0);
  return { cleared: true };
}

beforeEach(() => {
  lambda.reset();
  sfn.reset();
  sqs.reset();
  orderWrittenAtCheck = {};
  sqs.on(SendMessageCommand).callsFake((input: { MessageBody?: string }) => {
    const { orderId } = JSON.parse(input.MessageBody ?? '{}') as { orderId: string };
    orderWrittenAtCheck[orderId] = db().get(ORDERS_TABLE, orderId) !== undefined;
    return { MessageId: `m-${orderId}` };
  });
  carts = { [ANN_ID]: annsCart() };
  catalogue = [mug, plate];
  clearedOrders = new Set();
  orderWrittenAtClear = {};
  lambda.on(InvokeCommand).callsFake((input: InvokeCommandInput) => {
    const payload = sentPayload(input);
    if (input.FunctionName === functionName('cart-service/read-cart')) {
      const userId = payload['userId'] as string;
      return answered(carts[userId] ?? { cartId: null, userId, lines: [] });
    }
    if (input.FunctionName === functionName('product-service/get-products')) {
      const ids = payload['productIds'] as string[];
      return answered({ products: catalogue.filter((p) => ids.includes(p.productId)) });
    }
    if (input.FunctionName === functionName('cart-service/clear-cart')) {
      const { correlationId: _correlationId, ...request } = payload;
      return answered(clearCart(ClearCartRequest.parse(request)));
    }
    if (input.FunctionName === functionName('analytics-service/stream-processor') && input.InvocationType === 'Event') {
      return { StatusCode: 202, $metadata: {} };
    }
    throw new Error(`unexpected invoke of ${input.FunctionName}`);
  });
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE_ARN}:exec`, startDate: new Date() });
});
afterAll(() => {
  lambda.restore();
  sfn.restore();
  sqs.restore();
});

const KEY = 'checkout-key-0001';
const place = (body: unknown = { cartId: CART_ID }, options: { key?: string | null; claims?: JwtClaims | null; correlationId?: string } = {}) => {
  const key = options.key === undefined ? KEY : options.key;
  const claims = options.claims === undefined ? ANN() : options.claims;
  const headers: Record<string, string> = {
    ...(key === null ? {} : { 'Idempotency-Key': key }),
    ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}),
  };
  return invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body, headers, ...(claims ? { claims } : {}) }));
};
const invokedFunctions = () => lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input.FunctionName);
const clearCalls = () => lambda.commandCalls(InvokeCommand).filter((c) => c.args[0].input.FunctionName === functionName('cart-service/clear-cart'));
const starts = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
const checks = () => sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);

describe('POST /orders', () => {
  it('prices the cart, writes a PENDING order, starts its checkout and answers 201 {orderId, status}', async () => {
    const res = await place({ cartId: CART_ID }, { correlationId: 'web-checkout-7' });

    expect(res.status).toBe(201);
    const answer = CreateOrderResponse.parse(res.body);
    expect(answer.status).toBe('PENDING');
    expect(Object.keys(res.body).sort()).toEqual(['orderId', 'status']);

    const order = db().get(ORDERS_TABLE, answer.orderId);
    expect(order).toMatchObject({
      orderId: answer.orderId,
      userId: ANN_ID,
      cartId: CART_ID,
      status: 'PENDING',
      total: { amount: 2 * 1250 + 800, currency: 'USD' },
      correlationId: 'web-checkout-7',
    });
    expect(order?.['items']).toHaveLength(2);
    expect(order?.['checkoutStartedAt']).toEqual(expect.any(String));

    expect(starts()).toEqual([
      {
        stateMachineArn: STATE_MACHINE_ARN,
        name: answer.orderId,
        input: JSON.stringify({ orderId: answer.orderId, userId: ANN_ID, correlationId: 'web-checkout-7', paymentWindowSeconds: PAYMENT_WINDOW_SECONDS }),
      },
    ]);
    expect(CheckoutInput.parse(JSON.parse(starts()[0]!.input!))).toBeTruthy();
  });

  it("reads the caller's own cart, and passes the correlation id to every invoke", async () => {
    await place({ cartId: CART_ID }, { correlationId: 'web-checkout-8' });
    const calls = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.FunctionName, c.InvocationType])).toEqual([
      [functionName('cart-service/read-cart'), 'RequestResponse'],
      [functionName('product-service/get-products'), 'RequestResponse'],
      [functionName('cart-service/clear-cart'), 'RequestResponse'],
      [functionName('analytics-service/stream-processor'), 'Event'],
    ]);
    expect(sentPayload(calls[0]!)).toEqual({ userId: ANN_ID, correlationId: 'web-checkout-8' });
    expect(sentPayload(calls[1]!)).toEqual({ productIds: [MUG_ID, plate.productId], correlationId: 'web-checkout-8' });
    expect(sentPayload(calls[2]!)).toMatchObject({ correlationId: 'web-checkout-8' });
  });

  describe('the checkout funnel', () => {
    const notices = () =>
      lambda
        .commandCalls(InvokeCommand)
        .filter((c) => c.args[0].input.FunctionName === functionName('analytics-service/stream-processor'))
        .map((c) => c.args[0].input);

    it('tells analytics that the checkout started, with an asynchronous invoke carrying the correlation id', async () => {
      const res = await place({ cartId: CART_ID }, { correlationId: 'web-checkout-funnel' });
      const [notice] = notices();
      expect(notice?.InvocationType).toBe('Event');
      expect(sentPayload(notice!)).toEqual({
        orderId: res.body['orderId'],
        userId: ANN_ID,
        itemCount: 3,
        total: { amount: 2 * 1250 + 800, currency: 'USD' },
        startedAt: expect.any(String),
        correlationId: 'web-checkout-funnel',
      });
      const { correlationId: _correlationId, ...payload } = sentPayload(notice!);
      expect(CheckoutStarted.safeParse(payload).success).toBe(true);
    });

    it.each([
      ['Lambda refuses the event', () => lambda.on(InvokeCommand, { FunctionName: functionName('analytics-service/stream-processor') }).rejects(new Error('TooManyRequestsException'))],
      ['Lambda answers something other than 202', () => lambda.on(InvokeCommand, { FunctionName: functionName('analytics-service/stream-processor') }).resolves({ StatusCode: 500, $metadata: {} })],
    ])('places the order all the same when %s', async (_, breakAnalytics) => {
      breakAnalytics();
      const res = await place();
      expect(res.status).toBe(201);
      expect(db().get(ORDERS_TABLE, res.body['orderId'] as string)?.['checkoutStartedAt']).toEqual(expect.any(String));
    });

    it('does not tell analytics again when a retry finds the checkout started', async () => {
      await place();
      await place();
      expect(notices()).toHaveLength(1);
    });
  });

  describe('the cart after the order', () => {
    it('takes the ordered lines out of the cart once the order is written and its checkout started', async () => {
      const res = await place({ cartId: CART_ID }, { correlationId: 'web-checkout-9' });

      expect(res.status).toBe(201);
      const orderId = res.body['orderId'] as string;
      const [clear] = clearCalls();
      expect(clear?.args[0].input.InvocationType).toBe('RequestResponse');
      expect(sentPayload(clear!.args[0].input)).toEqual({
        userId: ANN_ID,
        cartId: CART_ID,
        orderId,
        lines: [
          { productId: MUG_ID, quantity: 2 },
          { productId: PLATE_ID, quantity: 1 },
        ],
        correlationId: 'web-checkout-9',
      });
      expect(orderWrittenAtClear[orderId]).toBe(true);
      expect(clear!.calledAfter(sfn.commandCalls(StartExecutionCommand)[0]!)).toBe(true);
      // The customer's next order does not repeat this one.
      expect(carts[ANN_ID]?.lines).toEqual([]);
    });

    it.each([
      ['clear-cart fails', () => lambda.on(InvokeCommand, { FunctionName: functionName('cart-service/clear-cart') }).resolves(failed('CartBusyError', 'busy'))],
      ['clear-cart cannot be invoked', () => lambda.on(InvokeCommand, { FunctionName: functionName('cart-service/clear-cart') }).rejects(new Error('socket hang up'))],
      ['clear-cart answers outside its contract', () => lambda.on(InvokeCommand, { FunctionName: functionName('cart-service/clear-cart') }).resolves(answered({ ok: 1 }))],
    ])('still places the order and answers 201 when %s', async (_case, arrange) => {
      arrange();

      const res = await place();

      expect(res.status).toBe(201);
      const order = db().get(ORDERS_TABLE, res.body['orderId']);
      expect(order).toMatchObject({ status: 'PENDING', checkoutStartedAt: expect.any(String) });
      expect(starts()).toHaveLength(1);
      expect(clearCalls()).toHaveLength(1);
      // A retry answers the same order and does not try again: the cart is a convenience.
      expect((await place()).body).toEqual(res.body);
      expect(clearCalls()).toHaveLength(1);
    });

    it('answers a retry after the cart was emptied with the same order, without reading the cart again', async () => {
      const first = await place();
      expect(carts[ANN_ID]?.lines).toEqual([]);
      const before = invokedFunctions().length;

      const retry = await place();

      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(invokedFunctions()).toHaveLength(before);
      expect(db().items(ORDERS_TABLE)).toHaveLength(1);
    });

    it('clears once when a retry finishes a request that stopped after clearing: what the customer added since stays', async () => {
      // The start is noted; noting the clearing fails, after the clearing.
      db().beforeNext(UpdateCommand, () => undefined).failNext(UpdateCommand, new Error('socket hang up'));
      const first = await place();
      expect(first.status).toBe(500);
      expect(carts[ANN_ID]?.lines).toEqual([]);
      carts[ANN_ID]!.lines.push({ productId: MUG_ID, quantity: 1 });

      const retry = await place();

      expect(retry.status).toBe(201);
      expect(db().items(ORDERS_TABLE)).toHaveLength(1);
      expect(clearCalls().map((c) => sentPayload(c.args[0].input)['orderId'])).toEqual([retry.body['orderId'], retry.body['orderId']]);
      expect(carts[ANN_ID]?.lines).toEqual([{ productId: MUG_ID, quantity: 1 }]);
    });

    it.each(['PAYMENT_FAILED', 'CANCELLED'])(
      'leaves the cart alone when a retry finishes a request that stopped before clearing, and the order is %s by then',
      async (status) => {
        // The start is noted; clearing fails, and so does noting it; the request answers 500.
        lambda.on(InvokeCommand, { FunctionName: functionName('cart-service/clear-cart') }).resolvesOnce(failed('Error', 'boom'));
        db().beforeNext(UpdateCommand, () => undefined).failNext(UpdateCommand, new Error('socket hang up'));
        expect((await place()).status).toBe(500);
        const [written] = db().items(ORDERS_TABLE);
        db().put(ORDERS_TABLE, { ...written, status });
        const linesBefore = structuredClone(carts[ANN_ID]?.lines);

        const retry = await place();

        expect(retry.body).toEqual({ orderId: written?.['orderId'], status });
        expect(carts[ANN_ID]?.lines).toEqual(linesBefore);
        expect(clearCalls()).toHaveLength(1);
      },
    );

    it('answers the order a concurrent request with the same key placed, though the cart it reads is already emptied', async () => {
      // The other request claimed the key, placed the order and emptied the cart while this one was on its way to the cart.
      lambda.on(InvokeCommand, { FunctionName: functionName('cart-service/read-cart') }).callsFake(() => {
        const orderId = db().items(KEYS_TABLE)[0]?.['orderId'] as string;
        db().put(ORDERS_TABLE, storedOrder({ orderId }));
        return answered(annsCart({ lines: [] }));
      });

      const res = await place();

      expect(res.status).toBe(201);
      expect(res.body).toEqual({ orderId: db().items(KEYS_TABLE)[0]?.['orderId'], status: 'PENDING' });
      expect(db().items(ORDERS_TABLE)).toHaveLength(1);
      expect(starts()).toHaveLength(0);
    });
  });

  it('remembers the key for 24 hours with the hash of the body and the order it made', async () => {
    const res = await place();
    const [record] = db().items(KEYS_TABLE);
    expect(record).toMatchObject({ key: `${ANN_ID}#${KEY}`, orderId: res.body['orderId'], requestHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const ttl = (record?.['expiresAt'] as number) - Date.now() / 1000;
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });

  describe('idempotency', () => {
    it('answers a retry with the same key and body with the same order, and starts no second execution', async () => {
      const first = await place();
      const second = await place();

      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(db().items(ORDERS_TABLE)).toHaveLength(1);
      expect(starts()).toHaveLength(1);
      // The retry found the order: it did not read the cart or the catalogue again, nor clear the
      // cart or tell analytics twice (read-cart, get-products, clear-cart, stream-processor, once each).
      expect(invokedFunctions()).toHaveLength(4);
    });

    it("answers a retry with the order's status now", async () => {
      const first = await place();
      const orderId = first.body['orderId'] as string;
      db().put(ORDERS_TABLE, { ...db().get(ORDERS_TABLE, orderId), status: 'AWAITING_PAYMENT' });

      const retry = await place();
      expect(retry.body).toEqual({ orderId, status: 'AWAITING_PAYMENT' });
    });

    it('finishes the work of a first request that wrote the order but failed before starting the checkout', async () => {
      sfn.on(StartExecutionCommand).rejectsOnce(new Error('socket hang up'));
      const first = await place();
      expect(first.status).toBe(500);
      expect(db().items(ORDERS_TABLE)).toHaveLength(1);

      const retry = await place();
      expect(retry.status).toBe(201);
      expect(retry.body['orderId']).toBe(db().items(ORDERS_TABLE)[0]?.['orderId']);
      expect(starts()).toHaveLength(2);
      expect(db().items(ORDERS_TABLE)[0]?.['checkoutStartedAt']).toEqual(expect.any(String));
    });

    it("sends the order's start check, delayed by the payment window, before the order is written, and once", async () => {
      const first = await place({ cartId: CART_ID }, { correlationId: 'web-checkout-9' });
      await place();
      const orderId = first.body['orderId'] as string;

      expect(checks()).toEqual([
        {
          QueueUrl: START_CHECKS_QUEUE_URL,
          MessageBody: JSON.stringify({ orderId, correlationId: 'web-checkout-9' }),
          DelaySeconds: Math.min(PAYMENT_WINDOW_SECONDS, 900),
          MessageAttributes: { correlationId: { DataType: 'String', StringValue: 'web-checkout-9' } },
        },
      ]);
      expect(orderWrittenAtCheck).toEqual({ [orderId]: false });
    });

    it('delays the check by a payment window shorter than SQS allows, and by 15 minutes for a longer one', async () => {
      vi.stubEnv('PAYMENT_WINDOW_SECONDS', '30');
      vi.resetModules();
      const { handler: shortWindow } = await import('../../src/handlers/create-order.js');
      await invokeHandler(shortWindow, routeEvent(route, { body: { cartId: CART_ID }, headers: { 'Idempotency-Key': 'short-window-1' }, claims: ANN() }));
      expect(checks().map((c) => c.DelaySeconds)).toEqual([30]);
      expect(checkDelaySeconds(3600)).toBe(900);
    });

    it('writes no order when its check cannot be sent: the caller is told to retry, and nothing is left to close', async () => {
      sqs.on(SendMessageCommand).rejectsOnce(new Error('socket hang up'));
      const first = await place();
      expect(first.status).toBe(500);
      expect(db().items(ORDERS_TABLE)).toEqual([]);
      expect(starts()).toEqual([]);

      const retry = await place();
      expect(retry.status).toBe(201);
      expect(db().items(ORDERS_TABLE)).toHaveLength(1);
      expect(starts()).toHaveLength(1);
    });

    it('answers a retry that comes after the unstarted order was closed with the closed order: no checkout starts and the cart keeps its lines', async () => {
      sfn.on(StartExecutionCommand).rejectsOnce(new Error('ServiceUnavailable'));
      const first = await place();
      expect(first.status).toBe(500);
      const [written] = db().items(ORDERS_TABLE);
      db().put(ORDERS_TABLE, { ...written, status: 'CANCELLED', reason: 'the checkout could not start; nothing was reserved or charged' });
      const linesBefore = structuredClone(carts[ANN_ID]?.lines);

      const retry = await place();

      expect(retry.status).toBe(201);
      expect(retry.body).toEqual({ orderId: written?.['orderId'], status: 'CANCELLED' });
      expect(starts()).toHaveLength(1);
      expect(clearCalls()).toEqual([]);
      expect(carts[ANN_ID]?.lines).toEqual(linesBefore);
    });

    describe('a late retry meeting the check that closes the unstarted order', () => {
      const closed = { status: 'CANCELLED', reason: 'the checkout could not start; nothing was reserved or charged' };

      it('the close first: the retry’s note of the start is refused, so it leaves the cart alone, tells analytics nothing, and answers the closed order', async () => {
        sfn.on(StartExecutionCommand).rejectsOnce(new Error('ServiceUnavailable'));
        expect((await place()).status).toBe(500);
        const [written] = db().items(ORDERS_TABLE);
        const linesBefore = structuredClone(carts[ANN_ID]?.lines);
        // The retry reads the order PENDING and starts the execution; the check closes the order before the retry notes the start.
        db().beforeNext(UpdateCommand, () => db().put(ORDERS_TABLE, { ...written, ...closed }));

        const retry = await place();

        expect(retry.status).toBe(201);
        expect(retry.body).toEqual({ orderId: written?.['orderId'], status: 'CANCELLED' });
        expect(starts()).toHaveLength(2);
        expect(clearCalls()).toEqual([]);
        expect(invokedFunctions()).not.toContain(functionName('analytics-service/stream-processor'));
        expect(carts[ANN_ID]?.lines).toEqual(linesBefore);
        expect(db().get(ORDERS_TABLE, written?.['orderId'] as string)).not.toHaveProperty('checkoutStartedAt');
      });

      it('a customer’s cancel before the note is refused the same way: the cancelled order keeps its cart', async () => {
        sfn.on(StartExecutionCommand).rejectsOnce(new Error('ServiceUnavailable'));
        expect((await place()).status).toBe(500);
        const [written] = db().items(ORDERS_TABLE);
        db().beforeNext(UpdateCommand, () => db().put(ORDERS_TABLE, { ...written, status: 'CANCELLED', reason: 'cancelled by customer' }));
        const retry = await place();
        expect(retry.body).toMatchObject({ status: 'CANCELLED' });
        expect(clearCalls()).toEqual([]);
      });
    });

    it('takes an ExecutionAlreadyExists on start as the retry it is', async () => {
      sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
      const res = await place();
      expect(res.status).toBe(201);
      expect(db().items(ORDERS_TABLE)[0]?.['checkoutStartedAt']).toEqual(expect.any(String));
    });

    it('refuses the same key with another body with 422, and changes nothing', async () => {
      await place();
      const before = db().items(ORDERS_TABLE);

      const res = await place({ cartId: '00000000-0000-4000-8000-000000000000' });

      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      expect(db().items(ORDERS_TABLE)).toEqual(before);
      expect(starts()).toHaveLength(1);
    });

    it('keeps keys per user: the same key from another user is another order', async () => {
      const ann = await place();
      carts[BOB_ID] = annsCart({ cartId: '11111111-1111-4111-8111-111111111111', userId: BOB_ID });
      const bob = await place({ cartId: '11111111-1111-4111-8111-111111111111' }, { claims: BOB() });
      expect(bob.status).toBe(201);
      expect(bob.body['orderId']).not.toBe(ann.body['orderId']);
    });

    it('treats an expired key as a new one', async () => {
      db().put(KEYS_TABLE, { key: `${ANN_ID}#${KEY}`, requestHash: 'old', orderId: storedOrder().orderId, createdAt: '2025-01-01T00:00:00.000Z', expiresAt: 1 });
      const res = await place();
      expect(res.status).toBe(201);
      expect(res.body['orderId']).not.toBe(storedOrder().orderId);
    });
  });

  describe('refuses bad requests with 4xx and writes nothing', () => {
    it.each([
      ['no Idempotency-Key', null],
      ['a key too short', 'short'],
      ['a key with spaces', 'not a valid key!'],
    ])('400 naming idempotency-key for %s', async (_, key) => {
      const res = await place({ cartId: CART_ID }, { key });
      expect(res.status).toBe(400);
      expect((res.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain('idempotency-key');
      expect(ddb.calls()).toHaveLength(0);
      expect(lambda.calls()).toHaveLength(0);
      expect(sfn.calls()).toHaveLength(0);
    });

    it.each([
      ['a cart id that is not a UUID', { cartId: 'nope' }, 'cartId'],
      ['no cart id', {}, 'cartId'],
      ['an unknown field', { cartId: CART_ID, total: 1 }, 'total'],
    ])('400 naming the field for %s', async (_, body, field) => {
      const res = await place(body);
      expect(res.status).toBe(400);
      expect((res.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain(field);
      expect(ddb.calls()).toHaveLength(0);
    });

    it('401 without a signed-in caller', async () => {
      const res = await place({ cartId: CART_ID }, { claims: null });
      expect(res.status).toBe(401);
      expect(ddb.calls()).toHaveLength(0);
    });
  });

  describe('the cart', () => {
    it('404 CART_NOT_FOUND when the caller has no cart', async () => {
      delete carts[ANN_ID];
      const res = await place();
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'CART_NOT_FOUND' } });
      expect(db().items(ORDERS_TABLE)).toEqual([]);
      expect(starts()).toEqual([]);
    });

    it("404 CART_NOT_FOUND for another user's cart id: read-cart only ever answers the caller's own cart", async () => {
      carts[BOB_ID] = annsCart({ cartId: '11111111-1111-4111-8111-111111111111', userId: BOB_ID });

      const res = await place({ cartId: CART_ID }, { claims: BOB(), key: 'bob-key-0001' });

      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'CART_NOT_FOUND' } });
      expect(sentPayload(lambda.commandCalls(InvokeCommand)[0]!.args[0].input)['userId']).toBe(BOB_ID);
      expect(db().items(ORDERS_TABLE)).toEqual([]);
      expect(starts()).toEqual([]);
    });

    it('400 CART_EMPTY for an empty cart', async () => {
      carts[ANN_ID] = annsCart({ lines: [] });
      const res = await place();
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'CART_EMPTY', details: [{ field: 'cartId' }] } });
      expect(db().items(ORDERS_TABLE)).toEqual([]);
    });

    describe('what the customer reviewed (cartRevision, expectedTotal)', () => {
      const reviewed = { cartId: CART_ID, cartRevision: 7, expectedTotal: { amount: 3300, currency: 'USD' } };
      const nothingOrdered = () => {
        expect(db().items(ORDERS_TABLE)).toEqual([]);
        expect(starts()).toEqual([]);
        expect(checks()).toEqual([]);
        expect(clearCalls()).toEqual([]);
      };

      it('places the order when the cart and its total are what the customer reviewed', async () => {
        carts[ANN_ID] = annsCart({ revision: 7 });
        const res = await place(reviewed);
        expect(res.status).toBe(201);
        expect(db().items(ORDERS_TABLE)).toEqual([expect.objectContaining({ total: { amount: 3300, currency: 'USD' } })]);
      });

      it('409 CART_CHANGED when another tab changed the cart since (its revision moved): nothing is ordered', async () => {
        carts[ANN_ID] = annsCart({ revision: 8 });
        const res = await place(reviewed);
        expect(res.status).toBe(409);
        expect(res.body).toEqual({
          error: {
            code: 'CART_CHANGED',
            message: 'Your cart changed since you reviewed it (it was revision 7, it is 8 now): nothing was ordered. Review your cart and place the order again',
          },
        });
        nothingOrdered();
      });

      it.each([
        ['a price went up since', () => (catalogue = [{ ...mug, price: { amount: 1300, currency: 'USD' } }, plate]), 'it would cost $34.00, not the $33.00 you saw'],
        ['a price went down since', () => (catalogue = [{ ...mug, price: { amount: 1200, currency: 'USD' } }, plate]), 'it would cost $32.00, not the $33.00 you saw'],
      ])('409 CART_CHANGED when %s: the order would cost another total than the one shown, and nothing is ordered', async (_, change, words) => {
        carts[ANN_ID] = annsCart({ revision: 7 });
        change();
        const res = await place(reviewed);
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ error: { code: 'CART_CHANGED', message: expect.stringContaining(words) } });
        nothingOrdered();
      });

      it('409 CART_CHANGED for the same amount in another currency', async () => {
        carts[ANN_ID] = annsCart({ revision: 7 });
        const res = await place({ ...reviewed, expectedTotal: { amount: 3300, currency: 'EUR' } });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ error: { code: 'CART_CHANGED' } });
        nothingOrdered();
      });

      it('answers a retry with the same key with the order it placed, though placing it changed the cart’s revision', async () => {
        carts[ANN_ID] = annsCart({ revision: 7 });
        const first = await place(reviewed);
        carts[ANN_ID] = { ...carts[ANN_ID]!, revision: 8 };
        const again = await place(reviewed);
        expect(again.status).toBe(201);
        expect(again.body).toEqual(first.body);
        expect(starts()).toHaveLength(1);
      });

      it('orders the cart as it is when cart-service answers no revision yet (deployed before it did): the total still holds', async () => {
        carts[ANN_ID] = annsCart();
        expect((await place(reviewed)).status).toBe(201);
      });

      it.each([
        ['a negative revision', { cartRevision: -1 }, 'cartRevision'],
        ['a fractional revision', { cartRevision: 1.5 }, 'cartRevision'],
        ['a total without a currency', { expectedTotal: { amount: 3300 } }, 'expectedTotal.currency'],
        ['a negative total', { expectedTotal: { amount: -1, currency: 'USD' } }, 'expectedTotal.amount'],
      ])('400 naming the field for %s, reading nothing', async (_, change, field) => {
        const res = await place({ cartId: CART_ID, ...change });
        expect(res.status).toBe(400);
        expect((res.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain(field);
        expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
      });
    });

    it('409 PRODUCT_UNAVAILABLE naming a product the catalogue no longer lists', async () => {
      catalogue = [mug, { ...plate, listed: false }];
      const res = await place();
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: { code: 'PRODUCT_UNAVAILABLE' } });
      expect((res.body as { error: { message: string } }).error.message).toContain(plate.productId);
      expect(db().items(ORDERS_TABLE)).toEqual([]);
    });

    it('409 PRODUCT_UNAVAILABLE naming a product the catalogue does not know', async () => {
      catalogue = [mug];
      const res = await place();
      expect(res.status).toBe(409);
      expect((res.body as { error: { message: string } }).error.message).toContain(plate.productId);
    });

    it.each([
      ['read-cart fails', () => lambda.on(InvokeCommand, { FunctionName: functionName('cart-service/read-cart') }).resolves(failed('Error', 'boom'))],
      ['read-cart is throttled', () => lambda.on(InvokeCommand, { FunctionName: functionName('cart-service/read-cart') }).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }))],
      ['get-products answers outside its contract', () => lambda.on(InvokeCommand, { FunctionName: functionName('product-service/get-products') }).resolves(answered({ items: [] }))],
    ])('503 SERVICE_UNAVAILABLE with Retry-After, not a wrong answer, when %s: nothing is ordered', async (_, arrange) => {
      arrange();
      const res = await place();
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
      expect(db().items(ORDERS_TABLE)).toEqual([]);
    });
  });

  describe('the orders a customer may leave unpaid', () => {
    /** Ann's orders awaiting payment, as earlier checkouts wrote and counted them. */
    const annAwaitsPayment = (n: number) => {
      const ids = Array.from({ length: n }, (_, i) => `0d9b7f4e-2222-4a2b-8c3d-00000000000${i + 1}`);
      for (const orderId of ids) db().put(ORDERS_TABLE, storedOrder({ orderId, status: 'AWAITING_PAYMENT' }));
      db().put(OPEN_ORDERS_TABLE, { userId: ANN_ID, orders: ids.map((orderId) => ({ orderId, countedAt: '2025-03-01T10:00:00.000Z' })), version: n, updatedAt: '2025-03-01T10:00:00.000Z' });
      return ids;
    };

    it('409 TOO_MANY_OPEN_ORDERS for a 4th order awaiting payment: nothing is ordered, and the cart keeps its lines', async () => {
      const open = annAwaitsPayment(3);
      const linesBefore = structuredClone(carts[ANN_ID]?.lines);

      const res = await place();

      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        error: { code: 'TOO_MANY_OPEN_ORDERS', message: 'You have 3 orders awaiting payment; pay for or cancel one of them before placing another' },
      });
      expect(db().items(ORDERS_TABLE).map((o) => o['orderId'])).toEqual(open);
      expect(starts()).toEqual([]);
      expect(checks()).toEqual([]);
      expect(clearCalls()).toEqual([]);
      expect(carts[ANN_ID]?.lines).toEqual(linesBefore);
      expect(db().get(OPEN_ORDERS_TABLE, ANN_ID)).toMatchObject({ version: 3 });
    });

    it('places the order once one of them is cancelled, and counts it in its place', async () => {
      const [cancelled, ...stillOpen] = annAwaitsPayment(3);
      db().put(ORDERS_TABLE, storedOrder({ orderId: cancelled, status: 'CANCELLED' }));

      const res = await place();

      expect(res.status).toBe(201);
      expect(db().get(OPEN_ORDERS_TABLE, ANN_ID)).toMatchObject({ version: 4, orders: [...stillOpen, res.body['orderId']].map((orderId) => ({ orderId })) });
    });

    it("counts each customer's orders apart: Bob may order while Ann holds 3", async () => {
      annAwaitsPayment(3);
      carts[BOB_ID] = annsCart({ cartId: '11111111-1111-4111-8111-111111111111', userId: BOB_ID });
      const res = await place({ cartId: '11111111-1111-4111-8111-111111111111' }, { claims: BOB() });
      expect(res.status).toBe(201);
    });
  });
});
