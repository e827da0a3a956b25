import { describe, expect, it } from 'vitest';
import { OrderPayment, orderPayment, type OrderCharge } from '../src/order';

const USD = (amount: number) => ({ amount, currency: 'USD' as const });
const charge = (amount: { amount: number; currency: string }, entry: Partial<OrderCharge> = {}): OrderCharge => ({ amount, pays: false, at: 'x', ...entry });
const refunded = { status: 'SUCCEEDED' as const, reason: 'the charge did not match the order', requestedAt: 'x' };

describe('orderPayment', () => {
  it('is absent when no payment was ever attempted, and DECLINED with nothing charged after a decline', () => {
    expect(orderPayment({ total: USD(1500) })).toBeUndefined();
    expect(orderPayment({ total: USD(1500), paymentOutcome: 'FAILED' })).toEqual({ status: 'DECLINED', charged: USD(0), refunded: USD(0) });
  });

  it('adds up the charges in the order’s currency', () => {
    const payment = orderPayment({
      total: USD(1500),
      paymentOutcome: 'SUCCEEDED',
      charges: { ch_1: charge(USD(1500), { pays: true }), ch_2: charge(USD(1), { refund: refunded }) },
    });
    expect(payment).toEqual({ status: 'CHARGED', charged: USD(1501), refunded: USD(1) });
  });

  it('never adds amounts in different currencies: money taken in another currency is listed apart, by currency', () => {
    const payment = orderPayment({
      total: USD(1500),
      paymentOutcome: 'SUCCEEDED',
      charges: {
        ch_1: charge(USD(1500), { pays: true }),
        ch_2: charge({ amount: 1500, currency: 'GBP' }, { refund: { ...refunded, status: 'PENDING' } }),
        ch_3: charge({ amount: 1500, currency: 'EUR' }, { refund: refunded }),
        ch_4: charge({ amount: 500, currency: 'EUR' }, { refund: refunded }),
      },
    });
    expect(payment).toEqual({
      status: 'REFUND_PENDING',
      charged: USD(1500),
      refunded: USD(0),
      otherCurrencies: [
        { charged: { amount: 2000, currency: 'EUR' }, refunded: { amount: 2000, currency: 'EUR' } },
        { charged: { amount: 1500, currency: 'GBP' }, refunded: { amount: 0, currency: 'GBP' } },
      ],
    });
  });

  it('answers sums above the most a price may be, and currencies the shop does not sell in, without failing the order’s view', () => {
    const payment = orderPayment({
      total: USD(1500),
      charges: { ch_1: charge(USD(250_000_000), { refund: refunded }), ch_2: charge({ amount: 90_000, currency: 'JPY' }, { refund: refunded }) },
    });
    expect(OrderPayment.safeParse(payment).success).toBe(true);
    expect(payment).toMatchObject({ status: 'REFUNDED', charged: USD(250_000_000), otherCurrencies: [{ charged: { amount: 90_000, currency: 'JPY' } }] });
  });
});
