import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { handler as beginPayment } from '../../src/handlers/begin-payment';
import { handler } from '../../src/handlers/release-payment-claim';
import { service } from '../../src/service';
import { ANN_ID, BOB_ID, ORDER_ID, ORDERS_TABLE, storedOrder, TABLE_KEYS, withOrderServiceEnv } from '../fixtures';

const { db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'release-payment-claim'] });
withOrderServiceEnv();

const DUE = new Date(Date.now() + 600_000).toISOString();
const STARTED = new Date(Date.now() - 1000).toISOString();
const ATTEMPT = { paymentMethod: 'pm_unknown', startedAt: STARTED, expiresAt: new Date(Date.now() + 29_000).toISOString() };
const release = (overrides: Record<string, unknown> = {}) =>
  handler({ orderId: ORDER_ID, userId: ANN_ID, paymentMethod: 'pm_unknown', claimedAt: STARTED, correlationId: 'corr-pay', ...overrides }, lambdaContext('release-payment-claim'));
const order = () => db().get(ORDERS_TABLE, ORDER_ID);
const claimed = (overrides = {}) => db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', paymentDueAt: DUE, paymentAttempt: ATTEMPT, ...overrides }));

describe('release-payment-claim (the provider refused the claim’s charge without making one)', () => {
  it('ends the claim, so that another payment method may claim the order at once', async () => {
    claimed();
    await expect(release()).resolves.toEqual({ released: true });
    expect(order()).not.toHaveProperty('paymentAttempt');

    const claim = beginPayment({ orderId: ORDER_ID, userId: ANN_ID, paymentMethod: 'pm_card_approve', correlationId: 'corr-pay' }, lambdaContext('begin-payment'));
    await expect(claim).resolves.toMatchObject({ orderId: ORDER_ID, paymentDueAt: DUE });
  });

  it.each([
    ['a newer claim of the same method', { claimedAt: new Date(Date.now() - 60_000).toISOString() }, {}],
    ['a claim of another method', { paymentMethod: 'pm_card_decline' }, {}],
    ["another customer's order", { userId: BOB_ID }, {}],
    ['an order whose payment outcome is recorded', {}, { paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED' }],
  ])('leaves %s as it is', async (_, request, order_) => {
    claimed(order_);
    const before = order();
    await expect(release(request)).resolves.toEqual({ released: false });
    expect(order()).toEqual(before);
  });

  it('answers released: false for an order that does not exist', async () => {
    await expect(release({ orderId: '99999999-9999-4999-8999-999999999999' })).resolves.toEqual({ released: false });
  });

  it('refuses a payload that does not name one claim, naming what is wrong', async () => {
    claimed();
    await expect(release({ claimedAt: undefined })).rejects.toMatchObject({ name: 'InvalidRequest', message: expect.stringContaining('claimedAt') });
    expect(order()).toHaveProperty('paymentAttempt');
  });
});
