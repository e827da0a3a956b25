import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ForgetCustomerResponse } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FORGOTTEN_CUSTOMER_KEPT_SECONDS } from '../../src/domain/forget-customer';
import { handler } from '../../src/handlers/forget-customer';
import { service } from '../../src/service';
import { ANN, BOB, line, MUG, storedCart, TABLE, TABLE_KEYS, withCartEnvironment } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'forget-customer'] });
withCartEnvironment();
afterEach(() => vi.useRealTimers());

const NOW = new Date('2026-03-01T10:00:00.000Z');
const forget = (payload: unknown) => handler(payload, lambdaContext('forget-customer'));
/** Runs `forget` with the clock at NOW. */
async function forgetAtNow(payload: unknown): Promise<unknown> {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  return forget(payload);
}
const marker = { userId: ANN, forgottenAt: NOW.toISOString(), forgetAt: NOW.getTime() / 1000 + FORGOTTEN_CUSTOMER_KEPT_SECONDS };

describe('cart-service/forget-customer', () => {
  it('is invoked only by user-service/delete-account, and only writes the marker over the cart', () => {
    const fn = service.functions['forget-customer'];
    expect(fn.triggers).toEqual([{ type: 'invoke', callers: ['user-service/delete-account'] }]);
    expect(fn.permissions).toEqual({ tables: { carts: ['PutItem'] } });
    // The marker expires: the table's TTL is on its forgetAt, which no cart has.
    expect(service.tables.carts.ttlAttribute).toBe('forgetAt');
  });

  it("erases the customer's cart, lines, cleared orders and add keys, leaving only a marker of their id for a day", async () => {
    db().put(TABLE, storedCart([line(MUG, 2)], { clearedOrders: ['0d000000-0000-4000-8000-000000000001'], addKeys: [{ key: 'add-key-0001', requestHash: 'h' }] }));
    db().put(TABLE, storedCart([line(MUG, 1)], { userId: BOB }));

    const answer = await forgetAtNow({ userId: ANN, correlationId: 'delete-1' });

    expect(ForgetCustomerResponse.parse(answer)).toEqual({ forgotten: true });
    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input)).toEqual([{ TableName: TABLE, Item: marker }]);
    expect(db().get(TABLE, { userId: ANN })).toEqual(marker);
    expect(FORGOTTEN_CUSTOMER_KEPT_SECONDS).toBe(24 * 60 * 60);
    // Nobody else's cart is touched.
    expect(db().get(TABLE, { userId: BOB })).toMatchObject({ lines: [line(MUG, 1)] });
  });

  it('leaves the marker for a customer who never had a cart, and answers a repeat the same', async () => {
    await expect(forgetAtNow({ userId: ANN })).resolves.toEqual({ forgotten: true });
    await expect(forgetAtNow({ userId: ANN })).resolves.toEqual({ forgotten: true });
    expect(db().get(TABLE, { userId: ANN })).toEqual(marker);
  });

  it.each([
    ['no userId', {}],
    ['an empty userId', { userId: '' }],
    ['a userId that is not a string', { userId: 42 }],
    ['a userId longer than a sub can be', { userId: 'x'.repeat(129) }],
    ['an unknown field', { userId: ANN, cartId: 'ca000000-0000-4000-8000-000000000001' }],
    ['not an object', [ANN]],
  ])('throws InvalidRequest for %s, and writes nothing', async (_case, payload) => {
    db().put(TABLE, storedCart([line(MUG, 2)]));
    await expect(forget(payload)).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
    expect(db().get(TABLE, { userId: ANN })).toMatchObject({ lines: [line(MUG, 2)] });
  });
});
