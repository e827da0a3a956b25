import { describe, expect, it } from 'vitest';
import { stockLedgers } from '../../src/domain/stock-ledger';
import { CUP, MUG, PLATE } from '../fixtures';

describe('the stock ledger', () => {
  it('balances a product whose stock was reserved, sold, released and adjusted', () => {
    // Created with 10; +5 delivered, −2 broken; orders: 3 paid, 1 awaiting payment, 4 cancelled (given back).
    const [mug] = stockLedgers({
      products: [{ productId: MUG, initialStock: 10, stock: 9 }],
      adjustments: [
        { productId: MUG, delta: 5 },
        { productId: MUG, delta: -2 },
      ],
      reservations: [
        { status: 'COMMITTED', lines: [{ productId: MUG, quantity: 3 }] },
        { status: 'RESERVED', lines: [{ productId: MUG, quantity: 1 }] },
        { status: 'RELEASED', lines: [{ productId: MUG, quantity: 4 }] },
      ],
    });
    expect(mug).toEqual({ productId: MUG, initialStock: 10, adjusted: 3, available: 9, reserved: 1, sold: 3, difference: 0, problems: [] });
  });

  it('counts each product of a reservation with several lines on its own ledger', () => {
    const ledgers = stockLedgers({
      products: [
        { productId: MUG, initialStock: 5, stock: 3 },
        { productId: CUP, initialStock: 5, stock: 4 },
      ],
      adjustments: [],
      reservations: [{ status: 'RESERVED', lines: [{ productId: MUG, quantity: 2 }, { productId: CUP, quantity: 1 }] }],
    });
    expect(ledgers.map((l) => [l.productId, l.reserved, l.difference])).toEqual([
      [MUG, 2, 0],
      [CUP, 1, 0],
    ]);
  });

  it('says what does not add up when stock was overwritten (a PUT with an absolute stock, as before)', () => {
    // 2 reserved from 10, then someone set stock back to 10: two units that do not exist.
    const [mug] = stockLedgers({
      products: [{ productId: MUG, initialStock: 10, stock: 10 }],
      adjustments: [],
      reservations: [{ status: 'RESERVED', lines: [{ productId: MUG, quantity: 2 }] }],
    });
    expect(mug?.difference).toBe(-2);
    expect(mug?.problems).toEqual(['initial 10 + adjusted 0 = 10, but available 10 + reserved 2 + sold 0 = 12']);
  });

  it('flags stock below 0, and a product without an initial stock as not checkable', () => {
    const [negative, unknown] = stockLedgers({
      products: [
        { productId: MUG, initialStock: 0, stock: -1 },
        { productId: CUP, stock: 4 },
      ],
      adjustments: [{ productId: MUG, delta: -1 }],
      reservations: [],
    });
    expect(negative?.problems).toEqual(['stock is -1, below 0']);
    expect(negative?.difference).toBe(0);
    expect(unknown).toEqual({
      productId: CUP,
      adjusted: 0,
      available: 4,
      reserved: 0,
      sold: 0,
      problems: ['no initial stock was kept, so the ledger cannot be checked'],
    });
  });

  it('leaves out adjustments and lines of products it was not given', () => {
    const ledgers = stockLedgers({
      products: [{ productId: MUG, initialStock: 1, stock: 1 }],
      adjustments: [{ productId: PLATE, delta: 9 }],
      reservations: [{ status: 'COMMITTED', lines: [{ productId: PLATE, quantity: 9 }] }],
    });
    expect(ledgers).toHaveLength(1);
    expect(ledgers[0]?.problems).toEqual([]);
  });
});
