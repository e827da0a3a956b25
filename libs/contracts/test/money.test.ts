import { describe, expect, it } from 'vitest';
import { formatMoney, Money, money, multiply, sameMoney, sum } from '../src';

describe('Money', () => {
  it('is integer cents with a currency', () => {
    expect(Money.safeParse({ amount: 1999, currency: 'USD' }).success).toBe(true);
    expect(Money.safeParse({ amount: 19.99, currency: 'USD' }).success).toBe(false);
    expect(Money.safeParse({ amount: -1, currency: 'USD' }).success).toBe(false);
    expect(Money.safeParse({ amount: 100, currency: 'XYZ' }).success).toBe(false);
    expect(Money.safeParse({ amount: 100 }).success).toBe(false);
  });

  it('multiplies and sums without leaving integers', () => {
    expect(multiply(money(1999), 3)).toEqual({ amount: 5997, currency: 'USD' });
    expect(sum([money(1), money(2), money(3)])).toEqual({ amount: 6, currency: 'USD' });
    expect(sum([])).toEqual({ amount: 0, currency: 'USD' });
  });

  it('refuses to mix currencies or multiply by a fraction', () => {
    expect(() => sum([money(1, 'USD'), money(1, 'EUR')])).toThrow(/EUR/);
    expect(() => multiply(money(100), 1.5)).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  it('is written as a person reads it', () => {
    expect(formatMoney({ amount: 1250, currency: 'USD' })).toBe('$12.50');
    expect(formatMoney({ amount: 800, currency: 'EUR' })).toBe('€8.00');
    expect(formatMoney({ amount: 100_000_000, currency: 'GBP' })).toBe('£1,000,000.00');
    // A refund may be in any currency the provider took: each in its own minor unit.
    expect(formatMoney({ amount: 500, currency: 'JPY' })).toBe('¥500');
    expect(formatMoney({ amount: 1250, currency: 'CAD' })).toBe('CA$12.50');
  });
});

describe('sameMoney', () => {
  it('is the same minor units of the same currency', () => {
    expect(sameMoney({ amount: 1250, currency: 'USD' }, { amount: 1250, currency: 'USD' })).toBe(true);
    expect(sameMoney({ amount: 1250, currency: 'USD' }, { amount: 1251, currency: 'USD' })).toBe(false);
    expect(sameMoney({ amount: 1250, currency: 'USD' }, { amount: 1250, currency: 'EUR' })).toBe(false);
  });
});
