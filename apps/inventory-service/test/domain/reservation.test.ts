import { describe, expect, it } from 'vitest';
import { describeShortages, mergeLines, newReservation } from '../../src/domain/reservation';
import { availability } from '../../src/domain/stock-reservations';
import { CUP, MUG, ORDER_ID, PLATE } from '../fixtures';

describe('reservations', () => {
  it('merges repeated products into one line, in the order first named', () => {
    expect(
      mergeLines([
        { productId: CUP, quantity: 1 },
        { productId: MUG, quantity: 2 },
        { productId: CUP, quantity: 3 },
      ]),
    ).toEqual([
      { productId: CUP, quantity: 4 },
      { productId: MUG, quantity: 2 },
    ]);
  });

  it('makes a RESERVED reservation of the merged lines', () => {
    const now = new Date('2025-03-04T05:06:07.000Z');
    expect(newReservation(ORDER_ID, [{ productId: MUG, quantity: 1 }, { productId: MUG, quantity: 1 }], now)).toEqual({
      orderId: ORDER_ID,
      lines: [{ productId: MUG, quantity: 2 }],
      status: 'RESERVED',
      createdAt: '2025-03-04T05:06:07.000Z',
    });
  });

  it('names every product that could not be served, and why', () => {
    expect(
      describeShortages([
        { productId: MUG, requested: 3, inStock: 1 },
        { productId: CUP, requested: 1 },
      ]),
    ).toBe(`Out of stock: ${MUG} (requested 3, 1 in stock); ${CUP} (not in the catalogue)`);
  });
});

describe('availability', () => {
  const stocks = [
    { productId: MUG, stock: 5, listed: true },
    { productId: CUP, stock: 0, listed: true },
    { productId: PLATE, stock: 9, listed: false },
  ];

  it('is available when every line is listed and in stock, even to the last unit', () => {
    expect(availability([{ productId: MUG, quantity: 5 }], stocks)).toEqual({
      available: true,
      lines: [{ productId: MUG, requested: 5, inStock: 5, listed: true }],
    });
  });

  it.each([
    ['a line wants more than there is', [{ productId: MUG, quantity: 6 }]],
    ['a line is out of stock', [{ productId: MUG, quantity: 1 }, { productId: CUP, quantity: 1 }]],
    ['a product was soft-deleted', [{ productId: PLATE, quantity: 1 }]],
    ['a product is unknown', [{ productId: '44444444-4444-4444-8444-444444444444', quantity: 1 }]],
    ['repeated lines want more together than there is', [{ productId: MUG, quantity: 3 }, { productId: MUG, quantity: 3 }]],
  ])('is not available when %s', (_case, lines) => {
    expect(availability(lines, stocks).available).toBe(false);
  });

  it('answers an unknown product as not listed, with none in stock', () => {
    const unknown = '44444444-4444-4444-8444-444444444444';
    expect(availability([{ productId: unknown, quantity: 1 }], stocks).lines).toEqual([{ productId: unknown, requested: 1, inStock: 0, listed: false }]);
  });
});
