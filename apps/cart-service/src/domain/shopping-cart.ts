import type { AddToCartRequest, Cart, CatalogProduct } from '@shop/contracts';
import { cartCurrency, type CatalogView, priceCart } from './cart-pricing';
import { addRequestHash, type CartRecord, emptyCart, lineProductIds, revised, tookAdd, withItemAdded, withItemRemoved, withQuantity } from './cart-record';
import type { CartRepository } from './cart-repository';
import type { Catalog } from './catalog';
import { CartBusyError, CurrencyMismatchError, ProductNotFoundError } from './errors';

/** Reads and conditional writes per change before giving up with 409 CART_BUSY. */
export const MAX_WRITE_ATTEMPTS = 10;

export interface CartDeps {
  carts: CartRepository;
  catalog: Catalog;
  correlationId: string;
  now: () => Date;
  newCartId: () => string;
}

/** The cart after an add; `repeated` when the add was a resend of one the cart had taken, and nothing changed. */
export interface AddedToCart {
  cart: Cart;
  repeated: boolean;
}

/**
 * Adds a product to the user's cart, or increments its line. The product must be listed, and
 * priced in the cart's currency. The catalogue is asked once, for the new product and the
 * cart's lines together; only lines another request added meanwhile are asked for afterwards.
 *
 * With an Idempotency-Key, a resend of an add the cart took (the key is among its last 20, with
 * the same product and quantity) answers the cart as it is now and changes nothing, even if the
 * product is no longer listed or the line was changed since; the key with another product or
 * quantity is 422. An add that was refused took no key, so it may simply be sent again.
 */
export async function addToCart(userId: string, item: AddToCartRequest, deps: CartDeps, idempotencyKey?: string): Promise<AddedToCart> {
  const key = idempotencyKey === undefined ? undefined : { key: idempotencyKey, requestHash: addRequestHash(item) };
  const current = await deps.carts.get(userId);
  if (key && current && tookAdd(current, key)) return { cart: priceCart(current, await lookUp(deps, lineProductIds(current))), repeated: true };

  const known = await lookUp(deps, [item.productId, ...lineProductIds(current)]);
  const product = known.get(item.productId);
  if (!product?.listed) throw new ProductNotFoundError(item.productId);
  const catalog = pricing(deps, known);

  let repeated = false;
  const saved = await change(
    userId,
    current,
    async (cart) => {
      // The key was taken since the first read: the same add, sent again at the same time, was
      // written first. This one adds nothing.
      if (key && tookAdd(cart, key)) {
        repeated = true;
        await catalog.complete(cart);
        return cart;
      }
      // Checked against the cart as it is at each attempt: a line that another request added
      // meanwhile may have given an empty cart its currency.
      const currency = cartCurrency(cart.lines, await catalog.complete(cart));
      if (currency && product.price.currency !== currency) throw new CurrencyMismatchError(currency, product.price.currency);
      return withItemAdded(cart, item, deps.now(), key);
    },
    deps,
  );
  return { cart: catalog.price(saved), repeated };
}

/** The user's cart, priced; a user's first look creates their (empty) cart, so its cartId is stable from then on. */
export async function viewCart(userId: string, deps: CartDeps): Promise<Cart> {
  const cart = (await deps.carts.get(userId)) ?? (await createEmpty(userId, deps));
  return priceCart(cart, await lookUp(deps, lineProductIds(cart)));
}

export async function removeFromCart(userId: string, productId: string, deps: CartDeps): Promise<Cart> {
  // Without a cart, the empty one `change` starts from refuses with 404 and nothing is written.
  return changePriced(userId, deps, (cart) => withItemRemoved(cart, productId, deps.now()));
}

/**
 * Sets a line's quantity outright, in one conditional write: the line stays where it is, and a
 * change to another line that lands meanwhile is kept. The product need not be listed any more: a
 * line that became unavailable may still be made smaller (or removed).
 */
export async function setQuantity(userId: string, productId: string, quantity: number, deps: CartDeps): Promise<Cart> {
  // Without a cart, the empty one `change` starts from refuses with 404 and nothing is written.
  return changePriced(userId, deps, (cart) => withQuantity(cart, productId, quantity, deps.now()));
}

/**
 * `change` of a line that needs nothing from the catalogue to decide, priced: the catalogue is
 * asked for the lines of the changed cart *before* it is written, so that a catalogue that cannot
 * answer fails the request with nothing written, not after a change the client would then retry.
 */
async function changePriced(userId: string, deps: CartDeps, edit: (cart: CartRecord) => CartRecord): Promise<Cart> {
  const catalog = pricing(deps, new Map());
  const saved = await change(
    userId,
    await deps.carts.get(userId),
    async (cart) => {
      const next = edit(cart);
      await catalog.complete(next);
      return next;
    },
    deps,
  );
  return catalog.price(saved);
}

/**
 * What the catalogue said of the products a change has seen, completed as the cart it works on
 * gains lines (another request's, meanwhile); `price` prices a cart whose lines were all completed.
 */
function pricing(deps: CartDeps, initial: CatalogView) {
  let view = initial;
  return {
    async complete(cart: CartRecord): Promise<CatalogView> {
      view = await withMissing(deps, view, cart);
      return view;
    },
    price: (cart: CartRecord): Cart => priceCart(cart, view),
  };
}

/**
 * Applies `edit` to the stored cart (a new empty one when there is none) and writes the result
 * only if nobody wrote in between; otherwise reads again and reapplies, so that concurrent
 * changes are all kept. `edit` throws to refuse the change, and answers the very cart it was
 * given when there is nothing to change: that cart is answered, and nothing is written.
 */
async function change(
  userId: string,
  first: CartRecord | undefined,
  edit: (cart: CartRecord) => CartRecord | Promise<CartRecord>,
  deps: CartDeps,
): Promise<CartRecord> {
  let current = first;
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const read = current ?? emptyCart(userId, deps.newCartId(), deps.now());
    const next = await edit(read);
    if (next === read || (await deps.carts.save(next))) return next;
    current = await deps.carts.get(userId);
  }
  throw new CartBusyError();
}

async function createEmpty(userId: string, deps: CartDeps): Promise<CartRecord> {
  const cart = revised(emptyCart(userId, deps.newCartId(), deps.now()), [], deps.now());
  if (await deps.carts.save(cart)) return cart;
  // Another request created it first: theirs is the user's cart.
  const winner = await deps.carts.get(userId);
  if (!winner) throw new Error(`the cart of ${userId} was created and is gone`);
  return winner;
}

async function lookUp(deps: CartDeps, productIds: readonly string[]): Promise<Map<string, CatalogProduct>> {
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return new Map();
  const products = await deps.catalog.products(ids, deps.correlationId);
  return new Map(products.map((p) => [p.productId, p]));
}

/** The catalogue view, completed with lines that a concurrent request added after we asked. */
async function withMissing(deps: CartDeps, catalog: CatalogView, cart: CartRecord): Promise<CatalogView> {
  const missing = lineProductIds(cart).filter((id) => !catalog.has(id));
  if (missing.length === 0) return catalog;
  return new Map([...catalog, ...(await lookUp(deps, missing))]);
}
