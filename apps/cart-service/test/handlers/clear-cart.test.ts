import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CART_CLEARED_ORDERS_KEPT, ClearCartResponse } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { MAX_WRITE_ATTEMPTS } from '../../src/domain/shopping-cart';
import { handler } from '../../src/handlers/clear-cart';
import { service } from '../../src/service';
import { ANN, CART_ID, CUP, line, MUG, PLATE, storedCart, TABLE, TABLE_KEYS, withCartEnvironment } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'clear-cart'] });
withCartEnvironment();

const ORDER_ID = '0d000000-0000-4000-8000-000000000001';
const OTHER_CART = 'ca000000-0000-4000-8000-000000000009';
const orderedLines = [
  { productId: MUG, quantity: 2 },
  { productId: CUP, quantity: 1 },
];
const clearCart = (payload: unknown) => handler(payload, lambdaContext('clear-cart'));
const order = (overrides: Record<string, unknown> = {}) => ({ userId: ANN, cartId: CART_ID, orderId: ORDER_ID, lines: orderedLines, ...overrides });
/** Another request writes `cart` between this request's read and its write, whose condition then fails. */
const anotherRequestWrites = (cart: ReturnType<typeof storedCart>) => db().beforeNext(PutCommand, () => db().put(TABLE, cart));
const puts = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input);

describe('cart-service/clear-cart', () => {
  it('is invoked only by order-service/create-order, and reads the cart it writes', () => {
    const fn = service.functions['clear-cart'];
    expect(fn.triggers).toEqual([{ type: 'invoke', callers: ['order-service/create-order'] }]);
    expect(fn.permissions).toEqual({ tables: { carts: ['GetItem', 'PutItem'] } });
  });

  it('takes exactly the ordered lines out of the cart, writing only over the version it read', async () => {
    db().put(TABLE, storedCart([line(MUG, 2), line(CUP, 1)], { version: 7 }));

    const answer = await clearCart({ ...order(), correlationId: 'checkout-3' });

    expect(ClearCartResponse.parse(answer)).toEqual({ cleared: true });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { userId: ANN }, ConsistentRead: true });
    expect(puts()).toEqual([
      {
        TableName: TABLE,
        Item: { userId: ANN, cartId: CART_ID, lines: [], updatedAt: expect.any(String), version: 8, clearedOrders: [ORDER_ID] },
        ConditionExpression: '#version = :read',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':read': 7 },
      },
    ]);
    expect(db().get(TABLE, ANN)).toEqual(puts()[0]?.Item);
  });

  it('keeps the difference on a line the customer raised after ordering, and the lines not in the order', async () => {
    db().put(TABLE, storedCart([line(MUG, 5), line(PLATE, 3), line(CUP, 1)]));

    await expect(clearCart(order())).resolves.toEqual({ cleared: true });

    expect(db().get(TABLE, ANN)?.['lines']).toEqual([line(MUG, 3), line(PLATE, 3)]);
  });

  it('takes out a line the customer lowered after ordering', async () => {
    db().put(TABLE, storedCart([line(MUG, 1), line(PLATE, 3)]));

    await expect(clearCart(order())).resolves.toEqual({ cleared: true });

    expect(db().get(TABLE, ANN)?.['lines']).toEqual([line(PLATE, 3)]);
  });

  it.each([
    ['the order was placed from another cart', [storedCart([line(MUG, 2)], { cartId: OTHER_CART })]],
    ['the user has no cart', []],
  ])('answers {cleared: false} and writes nothing when %s', async (_case, stored) => {
    for (const cart of stored) db().put(TABLE, cart);
    await expect(clearCart(order())).resolves.toEqual({ cleared: false });
    expect(puts()).toHaveLength(0);
    expect(db().items(TABLE)).toEqual(stored);
  });

  it('answers {cleared: false} to a repeated order id and changes nothing, even after the customer added the product again', async () => {
    db().put(TABLE, storedCart([line(MUG, 2)], { clearedOrders: [ORDER_ID] }));
    await expect(clearCart(order())).resolves.toEqual({ cleared: false });
    expect(puts()).toHaveLength(0);
  });

  it('changes nothing more when called twice with the same payload', async () => {
    db().put(TABLE, storedCart([line(MUG, 3), line(CUP, 1)]));

    await expect(clearCart(order())).resolves.toEqual({ cleared: true });
    await expect(clearCart(order())).resolves.toEqual({ cleared: false });

    expect(puts()).toHaveLength(1);
    expect(db().get(TABLE, ANN)?.['lines']).toEqual([line(MUG, 1)]);
  });

  it(`remembers the last ${CART_CLEARED_ORDERS_KEPT} orders cleared, newest last`, async () => {
    const earlier = Array.from({ length: CART_CLEARED_ORDERS_KEPT }, (_, i) => `0e000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    db().put(TABLE, storedCart([line(MUG, 2)], { clearedOrders: earlier }));

    await expect(clearCart(order())).resolves.toEqual({ cleared: true });

    expect(db().get(TABLE, ANN)?.['clearedOrders']).toEqual([...earlier.slice(1), ORDER_ID]);
  });

  it('keeps a line another request added meanwhile: reads again and reapplies the clearing', async () => {
    db().put(TABLE, storedCart([line(MUG, 2), line(CUP, 1)], { version: 3 }));
    anotherRequestWrites(storedCart([line(MUG, 2), line(CUP, 1), line(PLATE, 4)], { version: 4 }));

    await expect(clearCart(order())).resolves.toEqual({ cleared: true });

    expect(puts().map((p) => [p.Item?.['lines'], p.ExpressionAttributeValues?.[':read']])).toEqual([
      [[], 3],
      [[line(PLATE, 4)], 4],
    ]);
    expect(db().get(TABLE, ANN)).toMatchObject({ lines: [line(PLATE, 4)], version: 5 });
  });

  it('does nothing when the cart it reads again shows the order was cleared meanwhile', async () => {
    db().put(TABLE, storedCart([line(MUG, 2)], { version: 3 }));
    anotherRequestWrites(storedCart([], { version: 4, clearedOrders: [ORDER_ID] }));

    await expect(clearCart(order())).resolves.toEqual({ cleared: false });
    expect(puts()).toHaveLength(1);
    expect(db().get(TABLE, ANN)).toEqual(storedCart([], { version: 4, clearedOrders: [ORDER_ID] }));
  });

  it(`gives up after ${MAX_WRITE_ATTEMPTS} lost races, with nothing half-written`, async () => {
    db().put(TABLE, storedCart([line(MUG, 2)], { version: 3 }));
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) anotherRequestWrites(storedCart([line(MUG, 2), line(CUP, attempt)], { version: 3 + attempt }));
    await expect(clearCart(order())).rejects.toMatchObject({ code: 'CART_BUSY' });
    expect(puts()).toHaveLength(MAX_WRITE_ATTEMPTS);
    expect(db().get(TABLE, ANN)).toEqual(storedCart([line(MUG, 2), line(CUP, MAX_WRITE_ATTEMPTS)], { version: 3 + MAX_WRITE_ATTEMPTS }));
  });

  it.each([
    ['no orderId', { userId: ANN, cartId: CART_ID, lines: orderedLines }],
    ['an orderId that is not a uuid', order({ orderId: 'order-1' })],
    ['a cartId that is not a uuid', order({ cartId: 'cart' })],
    ['no lines', order({ lines: [] })],
    ['a line with quantity 0', order({ lines: [{ productId: MUG, quantity: 0 }] })],
    ['an unknown field', order({ status: 'PAID' })],
  ])('throws InvalidRequest for %s, and touches nothing', async (_case, payload) => {
    await expect(clearCart(payload)).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
