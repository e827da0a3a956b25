import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/begin-payment';
import { service } from '../../src/service';
import { ANN_ID, BOB_ID, ORDER_ID, ORDERS_TABLE, storedOrder, TABLE_KEYS, withOrderServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'begin-payment'] });
withOrderServiceEnv();
afterAll(() => {
  vi.useRealTimers();
});

const DUE = new Date(Date.now() + 600_000).toISOString();
const begin = (overrides: Record<string, unknown> = {}) =>
  handler({ orderId: ORDER_ID, userId: ANN_ID, paymentMethod: 'pm_card_approve', correlationId: 'corr-pay', ...overrides }, lambdaContext('begin-payment'));
const order = () => db().get(ORDERS_TABLE, ORDER_ID);
const awaiting = (overrides = {}) => db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', paymentDueAt: DUE, ...overrides }));

describe('begin-payment (claims an order for one charge)', () => {
  it("claims the owner's order awaiting payment and answers what to charge", async () => {
    awaiting();
    const claim = await begin();
    expect(claim).toEqual({ orderId: ORDER_ID, amount: { amount: 3300, currency: 'USD' }, correlationId: 'checkout-corr-1', paymentDueAt: DUE, claimedAt: expect.any(String) });
    // The claim's time is what names it to release-payment-claim.
    expect(order()?.['paymentAttempt']).toMatchObject({ paymentMethod: 'pm_card_approve', startedAt: (claim as { claimedAt: string }).claimedAt });
  });

  it('lets the same payment method claim again: the provider makes the repeat the same charge', async () => {
    awaiting();
    await begin();
    await expect(begin()).resolves.toMatchObject({ orderId: ORDER_ID });
  });

  it('refuses another payment method while a charge is in flight', async () => {
    awaiting();
    await begin();
    await expect(begin({ paymentMethod: 'pm_card_decline' })).rejects.toMatchObject({ name: 'PaymentInProgress' });
  });

  it('lets another payment method claim once the attempt in flight has expired', async () => {
    awaiting({ paymentAttempt: { paymentMethod: 'pm_card_decline', startedAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-01-01T00:00:30.000Z' } });
    await expect(begin()).resolves.toMatchObject({ orderId: ORDER_ID });
    expect(order()?.['paymentAttempt']).toMatchObject({ paymentMethod: 'pm_card_approve' });
  });

  it("answers OrderNotFound for another user's order, as for one that does not exist, and changes nothing", async () => {
    awaiting();
    const before = order();
    await expect(begin({ userId: BOB_ID })).rejects.toMatchObject({ name: 'OrderNotFound' });
    await expect(begin({ orderId: '99999999-9999-4999-8999-999999999999' })).rejects.toMatchObject({ name: 'OrderNotFound' });
    expect(order()).toEqual(before);
  });

  it.each(['PENDING', 'PAID', 'CANCELLED', 'PAYMENT_FAILED'] as const)('refuses an order that is %s with OrderNotPayable, naming its status', async (status) => {
    db().put(ORDERS_TABLE, storedOrder({ status, paymentDueAt: DUE }));
    await expect(begin()).rejects.toMatchObject({ name: 'OrderNotPayable', message: expect.stringContaining(status) });
    expect(order()).not.toHaveProperty('paymentAttempt');
  });

  it('refuses an order whose payment window has closed, although it still awaits payment', async () => {
    awaiting({ paymentDueAt: new Date(Date.now() - 1000).toISOString() });
    await expect(begin()).rejects.toMatchObject({ name: 'PaymentWindowClosed' });
    expect(order()).not.toHaveProperty('paymentAttempt');
  });

  it('refuses an order whose payment outcome is already recorded', async () => {
    awaiting({ paymentEventId: 'evt_1', paymentOutcome: 'FAILED' });
    await expect(begin()).rejects.toMatchObject({ name: 'PaymentInProgress', message: expect.stringContaining('already decided') });
  });

  describe('the same request sent again after its charge decided the order (its answer lost)', () => {
    const attempt = (paymentMethod = 'pm_card_approve') => ({ paymentMethod, startedAt: '2026-03-01T10:00:00.000Z', expiresAt: '2026-03-01T10:00:30.000Z' });
    const decidedOrder = (overrides: Record<string, unknown>) =>
      db().put(ORDERS_TABLE, storedOrder({ paymentDueAt: DUE, paymentAttempt: attempt(), paymentEventId: 'evt_1', chargeId: 'ch_1', ...overrides }));

    it.each([
      ['PAID by it', { status: 'PAID', paymentOutcome: 'SUCCEEDED' }, { outcome: 'SUCCEEDED', chargeId: 'ch_1' }],
      ['AWAITING_PAYMENT with its success recorded (MarkPaid to come)', { status: 'AWAITING_PAYMENT', paymentOutcome: 'SUCCEEDED' }, { outcome: 'SUCCEEDED', chargeId: 'ch_1' }],
      ['PAYMENT_FAILED by its decline', { status: 'PAYMENT_FAILED', paymentOutcome: 'FAILED', paymentFailureReason: 'card_declined' }, { outcome: 'FAILED', chargeId: 'ch_1', reason: 'card_declined' }],
    ])('answers the outcome when the order is %s, changing nothing', async (_, state, decided) => {
      decidedOrder(state);
      const before = order();
      await expect(begin()).resolves.toEqual({ orderId: ORDER_ID, decided });
      expect(order()).toEqual(before);
    });

    it('refuses another payment method than the one that charged', async () => {
      decidedOrder({ status: 'PAID', paymentOutcome: 'SUCCEEDED' });
      await expect(begin({ paymentMethod: 'pm_card_decline' })).rejects.toMatchObject({ name: 'OrderNotPayable', message: expect.stringContaining('PAID') });
    });

    it.each([
      ['ended when its window closed, a late charge recorded only to be refunded', { status: 'PAYMENT_FAILED', paymentEventId: undefined, paymentOutcome: undefined, charges: { ch_1: { amount: { amount: 3300, currency: 'USD' }, refund: 'PENDING' } } }],
      ['cancelled while its charge was in flight', { status: 'CANCELLED', paymentEventId: undefined, paymentOutcome: undefined, chargeId: undefined }],
    ])('refuses an order %s: no charge of it decided the order', async (_, state) => {
      decidedOrder(state);
      await expect(begin()).rejects.toMatchObject({ name: 'OrderNotPayable' });
    });

    it("tells another user nothing of the order's charge", async () => {
      decidedOrder({ status: 'PAID', paymentOutcome: 'SUCCEEDED' });
      await expect(begin({ userId: BOB_ID })).rejects.toMatchObject({ name: 'OrderNotFound' });
    });
  });

  it('refuses a payload that is not a payment method token', async () => {
    awaiting();
    await expect(begin({ paymentMethod: '4242424242424242' })).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
