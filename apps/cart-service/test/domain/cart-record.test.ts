import { CART_MAX_LINES } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import {
  addRequestHash,
  emptyCart,
  tookAdd,
  toReadCartResponse,
  withItemAdded,
  withItemRemoved,
  withOrderCleared,
  withQuantity,
} from '../../src/domain/cart-record';
import { CartFullError, CartItemNotFoundError, IdempotencyKeyReusedError, QuantityLimitError } from '../../src/domain/errors';
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

  describe('adds under an Idempotency-Key', () => {
    const key = { key: 'add-mug-5d1c7e0b', requestHash: addRequestHash({ productId: MUG, quantity: 2 }) };

    it('remembers the key with the add that took it, and knows it again only with the same request', () => {
      const cart = withItemAdded(storedCart([]), { productId: MUG, quantity: 2 }, now, key);
      expect(cart.addKeys).toEqual([key]);
      expect(tookAdd(cart, key)).toBe(true);
      expect(tookAdd(cart, { ...key, key: 'another-key-0001' })).toBe(false);
      expect(() => tookAdd(cart, { ...key, requestHash: addRequestHash({ productId: MUG, quantity: 3 }) })).toThrow(IdempotencyKeyReusedError);
    });

    it('hashes the product and the quantity: another of either is another request', () => {
      const hashes = [addRequestHash({ productId: MUG, quantity: 2 }), addRequestHash({ productId: MUG, quantity: 3 }), addRequestHash({ productId: CUP, quantity: 2 })];
      expect(new Set(hashes).size).toBe(3);
      expect(addRequestHash({ productId: MUG, quantity: 2 })).toBe(hashes[0]);
    });

    it('remembers no key for an add without one', () => {
      expect(withItemAdded(storedCart([]), { productId: MUG, quantity: 2 }, now)).not.toHaveProperty('addKeys');
    });

    it('keeps the keys through every other change, so that a resend after one still adds nothing', () => {
      const cart = storedCart([line(MUG, 2), line(CUP, 1)], { addKeys: [key] });
      expect(withQuantity(cart, MUG, 5, now).addKeys).toEqual([key]);
      expect(withItemRemoved(cart, MUG, now).addKeys).toEqual([key]);
      expect(withItemAdded(cart, { productId: PLATE, quantity: 1 }, now).addKeys).toEqual([key]);
      expect(withOrderCleared(cart, { cartId: CART_ID, orderId: '0d000000-0000-4000-8000-000000000002', lines: [{ productId: MUG, quantity: 2 }] }, now)?.addKeys).toEqual([key]);
    });
  });
});
