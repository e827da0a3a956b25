import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CHECKOUT_NOT_STARTED } from '../../src/domain/checkout-start-check';
import { handler } from '../../src/handlers/close-unstarted-order';
import { service } from '../../src/service';
import { ORDER_ID, ORDERS_TABLE, sqsEvent, storedOrder, TABLE_KEYS, TASK_TOKEN, withOrderServiceEnv } from '../fixtures';

const { db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'close-unstarted-order'] });
const sfn = mockClient(SFNClient);
withOrderServiceEnv();
beforeEach(() => {
  sfn.reset();
  // No execution of the order: create-order never started its checkout.
  sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
});
afterAll(() => {
  sfn.restore();
});

const check = (orderId = ORDER_ID) => JSON.stringify({ orderId, correlationId: 'checkout-corr-1' });
const deliver = (...bodies: string[]) => handler(sqsEvent(bodies), lambdaContext('close-unstarted-order'));
const order = () => db().get(ORDERS_TABLE, ORDER_ID);
/** An order written PENDING whose checkout never started. */
function unstarted() {
  const { checkoutStartedAt: _started, ...written } = storedOrder();
  return written;
}

describe('close-unstarted-order (checkout-start-checks queue)', () => {
  it('cancels a PENDING order whose checkout never started, with a reason its customer can read', async () => {
    const pending = unstarted();
    db().put(ORDERS_TABLE, pending);

    await expect(deliver(check())).resolves.toEqual({ batchItemFailures: [] });

    expect(order()).toMatchObject({ status: 'CANCELLED', reason: CHECKOUT_NOT_STARTED, items: pending.items, total: pending.total });
    expect(order()?.['updatedAt']).not.toBe(pending.updatedAt);
  });

  it('leaves alone a PENDING order whose execution a retry of create-order started before it noted so, asking Step Functions by the order id', async () => {
    db().put(ORDERS_TABLE, unstarted());
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });

    await expect(deliver(check())).resolves.toEqual({ batchItemFailures: [] });

    expect(order()).toMatchObject({ status: 'PENDING' });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input.executionArn).toMatch(new RegExp(`:execution:shop-[a-z]+-checkout-orchestrator-checkout:${ORDER_ID}$`));
  });

  it('leaves alone an order whose checkout started, whatever its status', async () => {
    db().put(ORDERS_TABLE, storedOrder({ checkoutStartedAt: '2026-03-01T10:00:01.000Z' }));
    await deliver(check());
    expect(order()).toMatchObject({ status: 'PENDING', checkoutStartedAt: '2026-03-01T10:00:01.000Z' });
    expect(order()).not.toHaveProperty('reason');
  });

  it.each([
    ['awaiting payment (its checkout started, and noting that failed)', { status: 'AWAITING_PAYMENT' as const, taskToken: TASK_TOKEN }],
    ['paid', { status: 'PAID' as const }],
    ['cancelled by its customer', { status: 'CANCELLED' as const, reason: 'cancelled by customer' }],
  ])('leaves alone an order that is %s', async (_case, overrides) => {
    const before = storedOrder(overrides);
    db().put(ORDERS_TABLE, before);
    await deliver(check());
    expect(order()).toEqual(before);
  });

  it('does nothing for an order that was never written (the check goes first), and closes a repeated check once', async () => {
    const other = '99999999-9999-4999-8999-999999999999';
    db().put(ORDERS_TABLE, unstarted());

    await expect(deliver(check(other), check(), check())).resolves.toEqual({ batchItemFailures: [] });

    expect(db().get(ORDERS_TABLE, other)).toBeUndefined();
    expect(order()).toMatchObject({ status: 'CANCELLED', reason: CHECKOUT_NOT_STARTED });
  });

  it('does not cancel an order that its checkout moved on while the check read it', async () => {
    db().put(ORDERS_TABLE, unstarted());
    // The checkout (a late retry) puts the order AWAITING_PAYMENT between the read and the write.
    db().beforeNext(UpdateCommand, () => db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN, checkoutStartedAt: '2026-03-01T10:00:01.000Z' })));

    await expect(deliver(check())).resolves.toEqual({ batchItemFailures: [] });

    expect(order()).toMatchObject({ status: 'AWAITING_PAYMENT', taskToken: TASK_TOKEN });
  });

  it('does not cancel an order whose start a late retry noted while the check read it, though it is still PENDING', async () => {
    db().put(ORDERS_TABLE, unstarted());
    // The retry started the execution after the check asked Step Functions, and notes it before the close writes.
    const noted = storedOrder({ status: 'PENDING', checkoutStartedAt: '2026-03-01T10:00:01.000Z' });
    db().beforeNext(UpdateCommand, () => db().put(ORDERS_TABLE, noted));

    await expect(deliver(check())).resolves.toEqual({ batchItemFailures: [] });

    expect(order()).toEqual(noted);
  });

  it('gives a check that is not one back to the queue as a failure, and one that fails to write, to come again', async () => {
    db().put(ORDERS_TABLE, unstarted());
    db().failNext(UpdateCommand, new Error('ProvisionedThroughputExceededException'));

    // With a third that succeeds: when every record of a batch fails, the whole invocation fails.
    const result = await deliver('{"orderId":"not-a-uuid"}', check(), check('99999999-9999-4999-8999-999999999999'));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }, { itemIdentifier: 'msg-2' }] });
    expect(order()).toMatchObject({ status: 'PENDING' });
    await deliver(check());
    expect(order()).toMatchObject({ status: 'CANCELLED' });
  });
});
