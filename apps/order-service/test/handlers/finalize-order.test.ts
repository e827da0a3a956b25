import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderStatus } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/finalize-order';
import { service } from '../../src/service';
import { ORDER_ID, ORDERS_TABLE, storedOrder, TABLE_KEYS, withOrderServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'finalize-order'] });
withOrderServiceEnv();

const finalize = (outcome: string, reason?: string) =>
  handler({ orderId: ORDER_ID, outcome, ...(reason ? { reason } : {}), correlationId: 'checkout-corr-1' }, lambdaContext('finalize-order'));
const order = () => db().get(ORDERS_TABLE, ORDER_ID);
const paid = { paymentEventId: 'evt_1', paymentOutcome: 'SUCCEEDED' as const };

describe('finalize-order (MarkPaid, Finalize)', () => {
  it('marks an order PAID once its payment succeeded', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', ...paid }));
    await expect(finalize('PAID')).resolves.toEqual({ orderId: ORDER_ID, status: 'PAID' });
    expect(order()).toMatchObject({ status: 'PAID' });
    expect(order()).not.toHaveProperty('reason');
  });

  it.each<[OrderStatus, string, string]>([
    ['PENDING', 'CANCELLED', 'out of stock'],
    ['AWAITING_PAYMENT', 'PAYMENT_FAILED', 'card declined'],
    ['AWAITING_PAYMENT', 'PAYMENT_FAILED', 'payment window expired'],
    ['AWAITING_PAYMENT', 'CANCELLED', 'checkout failed at WaitForPayment: Lambda.Unknown'],
  ])('ends a %s order %s with the reason "%s"', async (from, outcome, reason) => {
    db().put(ORDERS_TABLE, storedOrder({ status: from }));
    await finalize(outcome, reason);
    expect(order()).toMatchObject({ status: outcome, reason });
  });

  it('is idempotent: an order already in the outcome stays as it is', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer', updatedAt: '2025-03-01T10:05:00.000Z' }));
    await expect(finalize('CANCELLED', 'cancelled by customer')).resolves.toEqual({ orderId: ORDER_ID, status: 'CANCELLED' });
    expect(order()).toMatchObject({ status: 'CANCELLED', updatedAt: '2025-03-01T10:05:00.000Z' });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('keeps the first failure ending: a customer cancel that came before the window expired stands', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer' }));
    await expect(finalize('PAYMENT_FAILED', 'payment window expired')).resolves.toEqual({ orderId: ORDER_ID, status: 'CANCELLED' });
    expect(order()).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by customer' });
  });

  it.each<[string, Parameters<typeof storedOrder>[0], string]>([
    ['a PAID order back to CANCELLED', { status: 'PAID', ...paid }, 'CANCELLED'],
    ['a PAID order to PAYMENT_FAILED', { status: 'PAID', ...paid }, 'PAYMENT_FAILED'],
    ['a CANCELLED order to PAID', { status: 'CANCELLED' }, 'PAID'],
    ['a PENDING order to PAID', { status: 'PENDING' }, 'PAID'],
    ['an order awaiting payment to PAID without a successful payment', { status: 'AWAITING_PAYMENT' }, 'PAID'],
  ])('throws IllegalTransition moving %s, and nothing moves', async (_, overrides, outcome) => {
    const before = storedOrder(overrides);
    db().put(ORDERS_TABLE, before);
    await expect(finalize(outcome, 'why')).rejects.toMatchObject({ name: 'IllegalTransition' });
    expect(order()).toEqual(before);
  });

  it('plans again when another writer moved the order between its read and its write', async () => {
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT' }));
    // The customer cancels just as the checkout reads the order.
    db().beforeNext(UpdateCommand, () => db().put(ORDERS_TABLE, storedOrder({ status: 'CANCELLED', reason: 'cancelled by customer' })));

    await expect(finalize('PAYMENT_FAILED', 'card declined')).resolves.toEqual({ orderId: ORDER_ID, status: 'CANCELLED' });
    expect(order()).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by customer' });
  });

  it.each([
    ['PAYMENT_FAILED', 'payment window expired', 'payment arrived after the payment window'],
    ['CANCELLED', 'checkout failed at CommitStock: Lambda.Unknown', 'order cancelled'],
  ])('marks the recorded charge to be refunded when an order whose payment succeeded ends %s', async (outcome, reason, refundReason) => {
    const charge = { amount: { amount: 3300, currency: 'USD' }, pays: true, at: '2025-03-01T10:01:00.000Z' };
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', ...paid, chargeId: 'ch_1', charges: { ch_1: charge } }));
    await finalize(outcome, reason);
    expect(order()).toMatchObject({ status: outcome, charges: { ch_1: { ...charge, pays: false, refund: { status: 'PENDING', reason: refundReason } } } });

    // A retried Finalize marks nothing twice.
    const marked = order();
    await finalize(outcome, reason);
    expect(order()).toEqual(marked);
  });

  it('leaves the charge of an order that ends PAID as the payment it is', async () => {
    const charge = { amount: { amount: 3300, currency: 'USD' }, pays: true, at: '2025-03-01T10:01:00.000Z' };
    db().put(ORDERS_TABLE, storedOrder({ status: 'AWAITING_PAYMENT', ...paid, chargeId: 'ch_1', charges: { ch_1: charge } }));
    await finalize('PAID');
    expect(order()).toMatchObject({ status: 'PAID', charges: { ch_1: charge } });
  });

  it('throws OrderNotFound for an unknown order and InvalidRequest for an unknown outcome', async () => {
    await expect(finalize('PAID')).rejects.toMatchObject({ name: 'OrderNotFound' });
    db().put(ORDERS_TABLE, storedOrder());
    await expect(finalize('SHIPPED')).rejects.toMatchObject({ name: 'InvalidRequest' });
  });
});
