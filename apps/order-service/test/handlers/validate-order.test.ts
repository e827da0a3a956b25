import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ValidateOrderResponse } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/validate-order';
import { service } from '../../src/service';
import { answered, failed, functionName, MUG_ID, ORDER_ID, ORDERS_TABLE, PLATE_ID, sentPayload, storedOrder, TABLE_KEYS, withOrderServiceEnv } from '../fixtures';

const { db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'validate-order'] });
const lambda = mockClient(LambdaClient);
withOrderServiceEnv();
beforeEach(() => {
  lambda.reset();
  db().put(ORDERS_TABLE, storedOrder());
});
afterAll(() => {
  lambda.restore();
});

const validate = (event: unknown = { orderId: ORDER_ID, correlationId: 'checkout-corr-1' }) => handler(event, lambdaContext('validate-order'));
const availability = (mugInStock: number, plateListed = true) =>
  answered({
    available: mugInStock >= 2 && plateListed,
    lines: [
      { productId: MUG_ID, requested: 2, inStock: mugInStock, listed: true },
      { productId: PLATE_ID, requested: 1, inStock: 4, listed: plateListed },
    ],
  });

describe('validate-order (ValidateOrder)', () => {
  it("checks the order's lines with inventory (RequestResponse) and hands them on", async () => {
    lambda.on(InvokeCommand).resolves(availability(10));

    const answer = await validate();

    expect(ValidateOrderResponse.parse(answer)).toEqual({
      orderId: ORDER_ID,
      lines: [
        { productId: MUG_ID, quantity: 2 },
        { productId: PLATE_ID, quantity: 1 },
      ],
    });
    const [call] = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(call?.FunctionName).toBe(functionName('inventory-service/check-availability'));
    expect(call?.InvocationType).toBe('RequestResponse');
    expect(sentPayload(call!)).toEqual({ lines: answer.lines, correlationId: 'checkout-corr-1' });
  });

  it('throws OutOfStock naming the products short of stock', async () => {
    lambda.on(InvokeCommand).resolves(availability(1));
    const error = await validate().catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'OutOfStock' });
    expect((error as Error).message).toContain(MUG_ID);
    expect((error as Error).message).not.toContain(PLATE_ID);
  });

  it('throws OutOfStock naming a product no longer listed', async () => {
    lambda.on(InvokeCommand).resolves(availability(10, false));
    await expect(validate()).rejects.toMatchObject({ name: 'OutOfStock', message: expect.stringContaining(PLATE_ID) });
  });

  it('throws OrderCancelled for an order the customer cancelled, without asking inventory', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer' }));
    await expect(validate()).rejects.toMatchObject({ name: 'OrderCancelled' });
    expect(lambda.calls()).toHaveLength(0);
  });

  it('throws OrderNotFound for an order that does not exist, and InvalidRequest for a bad payload', async () => {
    await expect(validate({ orderId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ name: 'OrderNotFound' });
    await expect(validate({ orderId: 'nope' })).rejects.toMatchObject({ name: 'InvalidRequest' });
  });

  it('fails (for the state machine to retry or compensate) when inventory fails', async () => {
    lambda.on(InvokeCommand).resolves(failed('Error', 'table not found'));
    await expect(validate()).rejects.toMatchObject({ name: 'InvokedFunctionError', errorType: 'Error' });
  });
});
