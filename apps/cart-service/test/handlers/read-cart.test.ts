import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ReadCartResponse } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/read-cart';
import { service } from '../../src/service';
import { ANN, CART_ID, CUP, line, MUG, storedCart, TABLE, TABLE_KEYS, withCartEnvironment } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'read-cart'] });
withCartEnvironment();

const readCart = (payload: unknown) => handler(payload, lambdaContext('read-cart'));

describe('cart-service/read-cart', () => {
  it('is invoked only by order-service/create-order and only reads carts', () => {
    const fn = service.functions['read-cart'];
    expect(fn.triggers).toEqual([{ type: 'invoke', callers: ['order-service/create-order'] }]);
    expect(fn.permissions).toEqual({ tables: { carts: ['GetItem'] } });
  });

  it('answers the user\'s cart id and lines, unpriced, and its revision (as GET /cart answers it)', async () => {
    db().put(TABLE, storedCart([line(MUG, 2), line(CUP, 1)]));

    const answer = await readCart({ userId: ANN, correlationId: 'checkout-9' });

    expect(ReadCartResponse.parse(answer)).toEqual({
      cartId: CART_ID,
      userId: ANN,
      lines: [
        { productId: MUG, quantity: 2 },
        { productId: CUP, quantity: 1 },
      ],
      revision: 3,
    });
    expect(answer.lines[0]).not.toHaveProperty('addedAt');
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { userId: ANN }, ConsistentRead: true });
  });

  it('answers a null cart id, no lines and revision 0 for a user without a cart', async () => {
    await expect(readCart({ userId: ANN })).resolves.toEqual({ cartId: null, userId: ANN, lines: [], revision: 0 });
  });

  it.each([
    ['no userId', {}],
    ['an empty userId', { userId: '' }],
    ['a userId that is not a string', { userId: 42 }],
    ['an unknown field', { userId: ANN, cartId: CART_ID }],
  ])('throws InvalidRequest for %s, and reads nothing', async (_case, payload) => {
    await expect(readCart(payload)).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
