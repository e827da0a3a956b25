import type { Cart } from '@shop/api-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { attempt, type Outcome } from '../api';
import { type Shop, useShop } from '../shop-context';
import { LinesTable } from '../ui/lines-table';
import { LoadStatus } from '../ui/load-status';
import { Price } from '../ui/money';
import { Page } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem-alert';
import { useAction } from '../ui/use-action';
import { useLoad } from '../ui/use-async';
import { signedInPage } from './require-sign-in';

type Line = Cart['items'][number];

export const CartPage = signedInPage('Your cart', CartView);

function CartView() {
  const shop = useShop();
  const [loaded] = useLoad<Cart>(() => attempt(shop.session, () => shop.client.GET('/cart'), 'cart'), []);
  // The API answers the whole cart after each change: from then on, that is the cart shown.
  const [changed, setChanged] = useState<Cart>();
  const cart = changed ?? (loaded.state === 'ok' ? loaded.data : undefined);
  const { busy, problem, run } = useAction();
  const [notice, setNotice] = useState<string>();

  /** Runs a change of the cart, step by step, stopping at the first refused. */
  const change = (steps: (() => Promise<Outcome<Cart>>)[], done: string) =>
    run(async () => {
      setNotice(undefined);
      for (const step of steps) {
        const outcome = await step();
        if (!outcome.ok) return outcome.problem;
        setChanged(outcome.data);
      }
      setNotice(done);
      shop.cartChanged.dispatchEvent(new Event('change'));
    });
  const remove = (productId: string) => () => removeLine(shop, productId);

  // The quantity the shopper chose, set outright in one change: never a line taken out and added back.
  const setQuantity = (line: Line, quantity: number) => {
    if (quantity === line.quantity) return;
    const set = () =>
      attempt(shop.session, () => shop.client.PUT('/cart/items/{productId}', { params: { path: { productId: line.productId } }, body: { quantity } }), 'cart');
    void change([set], `${line.name}: quantity ${quantity}.`);
  };

  if (!cart) {
    return (
      <Page title="Your cart">
        <LoadStatus loaded={loaded} loading="Loading your cart…" />
      </Page>
    );
  }
  const unavailable = cart.items.some((line) => !line.available);
  return (
    <Page title="Your cart">
      <ProblemAlert problem={problem} />
      <Notice text={notice} focusOnChange />
      {cart.items.length === 0 ? (
        <p>
          Your cart is empty. <a href="/">Browse the products</a>.
        </p>
      ) : (
        <>
          <LinesTable
            caption="Products in your cart"
            columns={['Product', 'Price', 'Quantity', { label: 'Total', number: true }, { label: 'Actions', hidden: true }]}
            foot={
              <tr>
                <th scope="row" colSpan={3}>
                  Subtotal ({cart.totals.itemCount} {cart.totals.itemCount === 1 ? 'item' : 'items'})
                </th>
                <td class="number">
                  <Price money={cart.totals.subtotal} />
                </td>
                <td />
              </tr>
            }
          >
            {cart.items.map((line) => (
              <tr key={line.productId}>
                <th scope="row">
                  <a href={`/products/${line.productId}`}>{line.name}</a>
                  {line.available ? null : <span class="tag tag-bad"> no longer available</span>}
                </th>
                <td>
                  <Price money={line.unitPrice} />
                </td>
                <td>
                  <QuantityControl line={line} disabled={busy} onChange={(q) => setQuantity(line, q)} />
                </td>
                <td class="number">
                  <Price money={line.lineTotal} />
                </td>
                <td>
                  <button type="button" class="link-button" disabled={busy} onClick={() => void change([remove(line.productId)], `${line.name} removed from your cart.`)}>
                    Remove <span class="visually-hidden">{line.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </LinesTable>
          {unavailable ? <p class="alert alert-bad">Remove the products that are no longer available to check out.</p> : null}
          <p>
            <a class={unavailable ? 'button disabled' : 'button primary'} href={unavailable ? undefined : '/checkout'} aria-disabled={unavailable || undefined}>
              Check out
            </a>
          </p>
        </>
      )}
    </Page>
  );
}

function QuantityControl({ line, disabled, onChange }: { line: Line; disabled: boolean; onChange: (quantity: number) => void }) {
  const [value, setValue] = useState(String(line.quantity));
  // What the shopper typed is replaced only when the cart's quantity changes. An effect that ran on
  // every mount would also run just after the first paint, and on a slow machine wipe out a number
  // typed in between (the Update button then stayed disabled).
  const shown = useRef(line.quantity);
  useEffect(() => {
    if (shown.current === line.quantity) return;
    shown.current = line.quantity;
    setValue(String(line.quantity));
  }, [line.quantity]);
  const id = `quantity-${line.productId}`;
  return (
    <form
      class="quantity"
      onSubmit={(event) => {
        event.preventDefault();
        const quantity = Number(value);
        if (Number.isInteger(quantity) && quantity >= 1 && quantity <= 99) onChange(quantity);
        else setValue(String(line.quantity));
      }}
    >
      <label for={id} class="visually-hidden">
        Quantity of {line.name}
      </label>
      <input id={id} type="number" inputMode="numeric" min={1} max={99} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit" disabled={disabled || value === String(line.quantity)}>
        Update <span class="visually-hidden">quantity of {line.name}</span>
      </button>
    </form>
  );
}

/**
 * Takes a line out of the cart; answers the cart as it is then. A line that is not there any more
 * (the resend of a removal whose answer was lost, or another tab took it out) is removed all the
 * same: the cart is read again and shown, with no alarm.
 */
export async function removeLine(shop: Pick<Shop, 'client' | 'session'>, productId: string): Promise<Outcome<Cart>> {
  const removed = await attempt(shop.session, () => shop.client.DELETE('/cart/items/{productId}', { params: { path: { productId } } }), 'cart');
  if (removed.ok || removed.problem.code !== 'CART_ITEM_NOT_FOUND') return removed;
  return attempt(shop.session, () => shop.client.GET('/cart'), 'cart');
}
