import { describe, expect, it } from 'vitest';
import { formatMoney, parsePrice } from '../src/money';

describe('money', () => {
  it('shows integer cents in the currency of the price', () => {
    expect(formatMoney({ amount: 1250, currency: 'USD' })).toBe('$12.50');
    expect(formatMoney({ amount: 99, currency: 'EUR' })).toBe('€0.99');
  });

  it('reads a typed price into cents, or refuses it', () => {
    expect(parsePrice('12.5')).toBe(1250);
    expect(parsePrice('1,299.00')).toBe(129900);
    expect(parsePrice('7')).toBe(700);
    for (const bad of ['', 'abc', '1.234', '-3']) expect(parsePrice(bad), bad).toBeUndefined();
  });
});
