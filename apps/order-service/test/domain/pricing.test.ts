import { MAX_AMOUNT_CENTS } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { MixedCurrenciesError, OrderTooLargeError, ProductUnavailableError } from '../../src/domain/errors';
import { priceCart } from '../../src/domain/pricing';
import { MUG_ID, PLATE_ID, mug, plate } from '../fixtures';

describe('pricing a cart', () => {
  it('prices each line from the catalogue and totals it in integer cents', () => {
    const priced = priceCart(
      [
        { productId: MUG_ID, quantity: 2 },
        { productId: PLATE_ID, quantity: 3 },
      ],
      [plate, mug],
    );
    expect(priced.items).toEqual([
      { productId: MUG_ID, name: 'Mug', quantity: 2, unitPrice: { amount: 1250, currency: 'USD' }, lineTotal: { amount: 2500, currency: 'USD' } },
      { productId: PLATE_ID, name: 'Plate', quantity: 3, unitPrice: { amount: 800, currency: 'USD' }, lineTotal: { amount: 2400, currency: 'USD' } },
    ]);
    expect(priced.total).toEqual({ amount: 4900, currency: 'USD' });
  });

  it('refuses products the catalogue does not know or no longer lists, naming them', () => {
    const gone = { ...plate, listed: false };
    const unknown = '00000000-0000-4000-8000-000000000000';
    const attempt = () =>
      priceCart(
        [
          { productId: MUG_ID, quantity: 1 },
          { productId: PLATE_ID, quantity: 1 },
          { productId: unknown, quantity: 1 },
        ],
        [mug, gone],
      );
    expect(attempt).toThrow(ProductUnavailableError);
    expect(attempt).toThrow(`${PLATE_ID}, ${unknown}`);
  });

  it('refuses a cart that mixes currencies', () => {
    expect(() =>
      priceCart(
        [
          { productId: MUG_ID, quantity: 1 },
          { productId: PLATE_ID, quantity: 1 },
        ],
        [mug, { ...plate, price: { amount: 800, currency: 'EUR' } }],
      ),
    ).toThrow(MixedCurrenciesError);
  });

  it('refuses a total above the most one order may be', () => {
    const dear = { ...mug, price: { amount: MAX_AMOUNT_CENTS, currency: 'USD' as const } };
    expect(() => priceCart([{ productId: MUG_ID, quantity: 2 }], [dear])).toThrow(OrderTooLargeError);
    expect(priceCart([{ productId: MUG_ID, quantity: 1 }], [dear]).total.amount).toBe(MAX_AMOUNT_CENTS);
  });
});
