import type { Cart } from '@shop/api-client';
import { describe, expect, it } from 'vitest';
import { removeLine } from '../src/shop/cart-page';
import { apiError, stubApi } from './stub-api';

const PRODUCT = 'p-1';
const cart = (items: Cart['items']): Cart =>
  ({ cartId: 'c-1', revision: 3, items, totals: { itemCount: items.length, subtotal: { amount: 0, currency: 'USD' } } }) as unknown as Cart;
const other = { productId: 'p-2', name: 'Mug', quantity: 1 } as unknown as Cart['items'][number];

describe('removing a cart line', () => {
  it('answers the cart the API answers after the removal', async () => {
    const { shop, requests } = stubApi({ [`DELETE /cart/items/${PRODUCT}`]: { status: 200, body: cart([other]) } });
    await expect(removeLine(shop, PRODUCT)).resolves.toMatchObject({ ok: true, data: cart([other]) });
    expect(requests.map((r) => r.route)).toEqual([`DELETE /cart/items/${PRODUCT}`]);
  });

  it('counts a line already gone (a resend after a lost answer, another tab) as removed: the cart read again, no problem', async () => {
    const { shop, requests } = stubApi({
      [`DELETE /cart/items/${PRODUCT}`]: { status: 404, body: apiError('CART_ITEM_NOT_FOUND', `Product ${PRODUCT} is not in your cart`) },
      'GET /cart': { status: 200, body: cart([other]) },
    });
    await expect(removeLine(shop, PRODUCT)).resolves.toMatchObject({ ok: true, data: cart([other]) });
    expect(requests.map((r) => r.route)).toEqual([`DELETE /cart/items/${PRODUCT}`, 'GET /cart']);
  });

  it('says any other refusal as it is', async () => {
    const { shop, requests } = stubApi({ [`DELETE /cart/items/${PRODUCT}`]: { status: 409, body: apiError('CART_BUSY') } });
    await expect(removeLine(shop, PRODUCT)).resolves.toMatchObject({ ok: false, problem: { code: 'CART_BUSY' } });
    expect(requests).toHaveLength(1);
  });
});
