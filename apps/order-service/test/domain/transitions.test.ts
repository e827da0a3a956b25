import { OrderStatus } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { isCancellableByCustomer, isFinal, planFinalization, planTransition, TRANSITIONS } from '../../src/domain/transitions';

const ALL = OrderStatus.options;

/** The contract's table (docs/checkout-contract.md), written out pair by pair. */
const ALLOWED = new Set(['PENDING→AWAITING_PAYMENT', 'PENDING→CANCELLED', 'AWAITING_PAYMENT→PAID', 'AWAITING_PAYMENT→PAYMENT_FAILED', 'AWAITING_PAYMENT→CANCELLED']);

const pairs = ALL.flatMap((from) => ALL.map((to) => [from, to] as const));

describe('order status transitions', () => {
  it('lists every status, and nothing leaves a final one', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ALL].sort());
    for (const status of ['PAID', 'CANCELLED', 'PAYMENT_FAILED'] as const) {
      expect(isFinal(status)).toBe(true);
      expect(TRANSITIONS[status]).toEqual([]);
    }
    expect(isFinal('PENDING')).toBe(false);
    expect(isFinal('AWAITING_PAYMENT')).toBe(false);
  });

  it.each(pairs)('%s → %s without a recorded payment', (from, to) => {
    const plan = planTransition({ status: from, paymentSucceeded: false }, to);
    if (from === to) expect(plan).toBe('already');
    // PAID needs a successful payment on record.
    else if (ALLOWED.has(`${from}→${to}`) && to !== 'PAID') expect(plan).toBe('move');
    else expect(plan).toBe('illegal');
  });

  it.each(pairs)('%s → %s with a successful payment recorded', (from, to) => {
    const plan = planTransition({ status: from, paymentSucceeded: true }, to);
    if (from === to) expect(plan).toBe('already');
    // An order paid for may still end unpaid: finalize-order then marks the payment to be refunded.
    else if (ALLOWED.has(`${from}→${to}`)) expect(plan).toBe('move');
    else expect(plan).toBe('illegal');
  });

  it.each(pairs)('the checkout ending an order %s as %s', (from, to) => {
    const failure = (s: string) => s === 'CANCELLED' || s === 'PAYMENT_FAILED';
    for (const paymentSucceeded of [false, true]) {
      const plain = planTransition({ status: from, paymentSucceeded }, to);
      const plan = planFinalization({ status: from, paymentSucceeded }, to);
      if (plain === 'illegal' && failure(from) && failure(to)) expect(plan).toBe('superseded');
      else expect(plan).toBe(plain);
    }
  });

  it('never moves a PAID order, nor supersedes PAID', () => {
    for (const to of ALL) {
      if (to === 'PAID') continue;
      expect(planFinalization({ status: 'PAID', paymentSucceeded: true }, to)).toBe('illegal');
    }
    expect(planFinalization({ status: 'CANCELLED', paymentSucceeded: false }, 'PAID')).toBe('illegal');
  });

  it.each(ALL)('lets a customer cancel a %s order only before any payment result', (status) => {
    const open = status === 'PENDING' || status === 'AWAITING_PAYMENT';
    expect(isCancellableByCustomer({ status, paymentSucceeded: false, paymentRecorded: false })).toBe(open);
    expect(isCancellableByCustomer({ status, paymentSucceeded: false, paymentRecorded: true })).toBe(false);
    expect(isCancellableByCustomer({ status, paymentSucceeded: true, paymentRecorded: true })).toBe(false);
  });
});
