import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { InvalidRequestError, invokeHandler, logger, NamedError } from '../src';

const context = { awsRequestId: 'aws-req-7' } as Context;
const schema = z.strictObject({ orderId: z.uuid(), quantity: z.int().min(1) });
const ORDER_ID = '0d9b7f4e-1111-4a2b-8c3d-123456789abc';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('invokeHandler', () => {
  it('hands the validated payload to the handler and answers what it returns', async () => {
    const handler = invokeHandler(schema, async ({ payload }) => ({ got: payload }));
    await expect(handler({ orderId: ORDER_ID, quantity: 2 }, context)).resolves.toEqual({ got: { orderId: ORDER_ID, quantity: 2 } });
  });

  it('takes the correlation id out of the payload, so strict schemas need not name it, and logs with it', async () => {
    const child = vi.spyOn(logger, 'child');
    const handle = vi.fn(async ({ payload, correlationId }: { payload: unknown; correlationId: string }) => ({ payload, correlationId }));
    const handler = invokeHandler(schema, handle);

    const answer = await handler({ orderId: ORDER_ID, quantity: 1, correlationId: 'checkout-42' }, context);

    expect(answer).toEqual({ payload: { orderId: ORDER_ID, quantity: 1 }, correlationId: 'checkout-42' });
    expect(child).toHaveBeenCalledWith(expect.objectContaining({ awsRequestId: 'aws-req-7', correlationId: 'checkout-42', trigger: 'invoke' }));
  });

  it("keeps an API Gateway request id (base64, with '=') as the correlation id it is", async () => {
    const handler = invokeHandler(schema, async ({ correlationId }) => correlationId);
    await expect(handler({ orderId: ORDER_ID, quantity: 1, correlationId: 'JDrW5jBu+oAM/Evg=' }, context)).resolves.toBe('JDrW5jBu+oAM/Evg=');
  });

  it.each([
    ['no correlation id', {}],
    ['a correlation id over 128 characters', { correlationId: 'x'.repeat(129) }],
    ['a correlation id with a quote', { correlationId: 'a"b' }],
    ['an unsafe correlation id', { correlationId: 'bad id\n' }],
    ['a correlation id that is not a string', { correlationId: 42 }],
  ])('falls back to the request id for %s', async (_case, extra) => {
    const handler = invokeHandler(schema, async ({ correlationId }) => correlationId);
    await expect(handler({ orderId: ORDER_ID, quantity: 1, ...extra }, context)).resolves.toBe('aws-req-7');
  });

  it.each([
    ['a missing field', { orderId: ORDER_ID }, 'quantity'],
    ['a wrong type', { orderId: ORDER_ID, quantity: '1' }, 'quantity'],
    ['an unknown field', { orderId: ORDER_ID, quantity: 1, userId: 'u' }, 'userId'],
    ['a payload that is not an object', 'orderId', 'payload'],
    ['no payload', null, 'payload'],
  ])('throws InvalidRequest naming the field for %s, without calling the handler', async (_case, event, field) => {
    const handle = vi.fn(async () => 'done');
    const handler = invokeHandler(schema, handle);

    const error = await handler(event, context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).name).toBe('InvalidRequest');
    expect((error as Error).message).toContain(field);
    expect((error as InvalidRequestError).details.map((d) => d.field)).toContain(field);
    expect(handle).not.toHaveBeenCalled();
  });

  it('passes the errors the handler throws to the caller with their names', async () => {
    const named = invokeHandler(schema, async () => {
      throw new NamedError('OutOfStock', 'Not enough stock');
    });
    await expect(named({ orderId: ORDER_ID, quantity: 1 }, context)).rejects.toMatchObject({ name: 'OutOfStock', message: 'Not enough stock' });

    const fault = new Error('connection reset');
    const broken = invokeHandler(schema, async () => {
      throw fault;
    });
    await expect(broken({ orderId: ORDER_ID, quantity: 1 }, context)).rejects.toBe(fault);
  });
});
