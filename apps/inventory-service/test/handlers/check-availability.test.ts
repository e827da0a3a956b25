import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { CheckAvailabilityResponse } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/check-availability';
import { service } from '../../src/service';
import { CUP, MUG, PLATE, PRODUCTS_TABLE, stockedProduct, TABLE_KEYS, withInventoryEnvironment } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'check-availability'] });
withInventoryEnvironment();
beforeEach(() => {
  // product-service's items carry more than stock; the read projects them down to what inventory may see.
  for (const product of [stockedProduct(MUG, 5), stockedProduct(CUP, 1), stockedProduct(PLATE, 9, false)]) {
    db().put(PRODUCTS_TABLE, { ...product, name: 'A thing', price: { amount: 100, currency: 'EUR' } });
  }
});

const check = (payload: unknown) => handler(payload, lambdaContext('check-availability'));

describe('inventory-service/check-availability', () => {
  it('is invoked only by order-service/validate-order and only reads products', () => {
    const fn = service.functions['check-availability'];
    expect(fn.triggers).toEqual([{ type: 'invoke', callers: ['order-service/validate-order'] }]);
    expect(fn.permissions).toEqual({ foreignTables: { 'product-service/products': { actions: ['BatchGetItem'], attributes: ['productId', 'stock', 'listing'] } } });
  });

  it('answers available, per line, when every line is listed and in stock, reading strongly consistent', async () => {
    const answer = await check({ lines: [{ productId: MUG, quantity: 5 }, { productId: CUP, quantity: 1 }], correlationId: 'order-1' });

    expect(CheckAvailabilityResponse.parse(answer)).toEqual({
      available: true,
      lines: [
        { productId: MUG, requested: 5, inStock: 5, listed: true },
        { productId: CUP, requested: 1, inStock: 1, listed: true },
      ],
    });
    expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input).toEqual({
      RequestItems: {
        [PRODUCTS_TABLE]: { Keys: [{ productId: MUG }, { productId: CUP }], ConsistentRead: true, ProjectionExpression: 'productId, stock, listing' },
      },
    });
    // Read-only: nothing but the one read.
    expect(ddb.calls()).toHaveLength(1);
  });

  it('answers not available, saying which line, when one line wants more than there is', async () => {
    const answer = await check({ lines: [{ productId: MUG, quantity: 1 }, { productId: CUP, quantity: 2 }] });
    expect(answer.available).toBe(false);
    expect(answer.lines[1]).toEqual({ productId: CUP, requested: 2, inStock: 1, listed: true });
  });

  it('answers a soft-deleted or unknown product as not listed', async () => {
    const unknown = '44444444-4444-4444-8444-444444444444';
    const answer = await check({ lines: [{ productId: PLATE, quantity: 1 }, { productId: unknown, quantity: 1 }] });
    expect(answer).toEqual({
      available: false,
      lines: [
        { productId: PLATE, requested: 1, inStock: 9, listed: false },
        { productId: unknown, requested: 1, inStock: 0, listed: false },
      ],
    });
  });

  it('checks the whole demand of a product named on two lines', async () => {
    const answer = await check({ lines: [{ productId: MUG, quantity: 3 }, { productId: MUG, quantity: 3 }] });
    expect(answer).toEqual({ available: false, lines: [{ productId: MUG, requested: 6, inStock: 5, listed: true }] });
    expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[PRODUCTS_TABLE]?.Keys).toEqual([{ productId: MUG }]);
  });

  it.each([
    ['no lines', { lines: [] }, 'lines'],
    ['51 lines', { lines: Array.from({ length: 51 }, () => ({ productId: MUG, quantity: 1 })) }, 'lines'],
    ['quantity 0', { lines: [{ productId: MUG, quantity: 0 }] }, 'lines.0.quantity'],
    ['a fractional quantity', { lines: [{ productId: MUG, quantity: 0.5 }] }, 'lines.0.quantity'],
    ['a product id that is not a uuid', { lines: [{ productId: 'mug', quantity: 1 }] }, 'lines.0.productId'],
    ['an unknown field', { lines: [{ productId: MUG, quantity: 1 }], orderId: 'x' }, 'orderId'],
  ])('throws InvalidRequest naming the field for %s, and reads nothing', async (_case, payload, field) => {
    const error = await check(payload).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidRequest' });
    expect((error as Error).message).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
  });
});
