import type { Cart } from '@shop/api-client';
import { describe, expect, it } from 'vitest';
import { addToCart } from '../src/shop/product-page';
import { stubApi } from './stub-api';

const MUG = { productId: 'p-1', quantity: 2 };
const KEY = 'add-7f3a9c2e-0b1d';
const cart = { cartId: 'c-1', revision: 4, items: [{ productId: 'p-1', quantity: 2 }] } as unknown as Cart;

/** The stubbed API, with the Idempotency-Key each request carried. */
function stubWithKeys(...args: Parameters<typeof stubApi>) {
  const stub = stubApi(...args);
  const keys: (string | null)[] = [];
  stub.shop.client.use({
    onRequest({ request }) {
      keys.push(request.headers.get('idempotency-key'));
      return request;
    },
  });
  return { ...stub, keys };
}

describe('adding to the cart', () => {
  it('sends the add with its Idempotency-Key, and answers the cart', async () => {
    const { shop, requests, keys } = stubWithKeys({ 'POST /cart': { status: 200, body: cart } });
    await expect(addToCart(shop, MUG, KEY)).resolves.toMatchObject({ ok: true, data: cart });
    expect(requests).toEqual([{ route: 'POST /cart', body: MUG }]);
    expect(keys).toEqual([KEY]);
  });
});
