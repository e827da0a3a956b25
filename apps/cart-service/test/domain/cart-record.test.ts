import { CART_MAX_LINES } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { emptyCart, toReadCartResponse, withItemAdded, withItemRemoved, withOrderCleared } from '../../src/domain/cart-record';
import { CartFullError, CartItemNotFoundError, QuantityLimitError } from '../../src/domain/errors';
import { ANN, CART_ID, CUP, line, MUG, PLATE, storedCart } from '../fixtures';

const now = new Date('2025-03-04T05:06:07.000Z');

describe('cart record', () => {
  it('starts empty and unsaved', () => {
    expect(emptyCart(ANN, 'cart-1', now)).toEqual({ userId: ANN, cartId: 'cart-1', lines: [], updatedAt: now.toISOString(), version: 0 });
  });

  it('adds a new product at the end and counts the write', () => {
    const cart = withItemAdded(storedCart([line(MUG, 1)]), { productId: CUP, quantity: 2 }, now);
    expect(cart.lines).toEqual([line(MUG, 1), { productId: CUP, quantity: 2, addedAt: now.toISOString() }]);
    expect(cart.version).toBe(4);
    expect(cart.updatedAt).toBe(now.toISOString());
  });

  it('increments the line of a product already in the cart, keeping when it was first added', () => {
    const cart = withItemAdded(storedCart([line(MUG, 3), line(CUP, 1)]), { productId: MUG, quantity: 4 }, now);
    expect(cart.lines).toEqual([line(MUG, 7), line(CUP, 1)]);
  });

  it('lets a line reach 99 but not pass it', () => {
    expect(withItemAdded(storedCart([line(MUG, 60)]), { productId: MUG, quantity: 39 }, now).lines[0]?.quantity).toBe(99);
    const over = () => withItemAdded(storedCart([line(MUG, 60)]), { productId: MUG, quantity: 40 }, now);
    expect(over).toThrow(QuantityLimitError);
    expect(over).toThrow(/at most 99: the cart has 60, so 40 more would make 100/);
  });

  it('holds at most 50 different products, but still increments a line of a full cart', () => {
    const ids = Array.from({ length: CART_MAX_LINES }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const full = storedCart(ids.map((id) => line(id, 1)));
    expect(() => withItemAdded(full, { productId: MUG, quantity: 1 }, now)).toThrow(CartFullError);
    expect(withItemAdded(full, { productId: ids[0] as string, quantity: 1 }, now).lines[0]?.quantity).toBe(2);
  });

  it('removes a line, and refuses to remove one that is not there', () => {
    expect(withItemRemoved(storedCart([line(MUG, 1), line(CUP, 2)]), MUG, now).lines).toEqual([line(CUP, 2)]);
    expect(() => withItemRemoved(storedCart([line(CUP, 2)]), MUG, now)).toThrow(CartItemNotFoundError);
  });

  it('answers checkout the lines without prices or dates and the revision, and a null cart id (revision 0) before the first cart', () => {
    expect(toReadCartResponse(ANN, storedCart([line(MUG, 2)]))).toEqual({ cartId: storedCart([]).cartId, userId: ANN, lines: [{ productId: MUG, quantity: 2 }], revision: 3 });
    expect(toReadCartResponse(ANN, undefined)).toEqual({ cartId: null, userId: ANN, lines: [], revision: 0 });
  });

  describe('clearing a placed order', () => {
    const orderId = '0d000000-0000-4000-8000-000000000001';
    const placed = { cartId: CART_ID, orderId, lines: [{ productId: MUG, quantity: 2 }, { productId: CUP, quantity: 1 }] };

    it('takes the ordered quantities off their lines, keeping what the customer added since and the other lines', () => {
      const cart = withOrderCleared(storedCart([line(PLATE, 1), line(MUG, 3), line(CUP, 1)]), placed, now);
      expect(cart?.lines).toEqual([line(PLATE, 1), line(MUG, 1)]);
      expect(cart).toMatchObject({ version: 4, updatedAt: now.toISOString(), clearedOrders: [orderId] });
    });

    it('remembers the order even when none of its lines is left in the cart', () => {
      expect(withOrderCleared(storedCart([line(PLATE, 1)]), placed, now)).toMatchObject({ lines: [line(PLATE, 1)], clearedOrders: [orderId] });
    });

    it('does nothing for another cart or an order cleared already', () => {
      expect(withOrderCleared(storedCart([line(MUG, 2)], { cartId: 'ca000000-0000-4000-8000-000000000009' }), placed, now)).toBeUndefined();
      expect(withOrderCleared(storedCart([line(MUG, 2)], { clearedOrders: [orderId] }), placed, now)).toBeUndefined();
    });
  });
});
