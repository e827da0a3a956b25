import type { Cart } from '@shop/api-client';
import { useEffect, useState } from 'preact/hooks';
import { attempt, type Outcome } from '../api';
import type { Problem } from '../problem';
import { useShop } from '../shop-context';
import { Price } from '../ui/money';
import { Page } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem-alert';
import { useLoad } from '../ui/use-async';
import { RequireSignIn } from './require-sign-in';

type Line = Cart['items'][number];

export function CartPage() {
  return (
    <RequireSignIn title="Your cart">
      <CartView />
    </RequireSignIn>
  );
}

function CartView() {
  const shop = useShop();
  const [loaded] = useLoad<Cart>(() => attempt(shop.session, () => shop.client.GET('/cart'), 'cart'), []);
  const [cart, setCart] = useState<Cart>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<string>();
  useEffect(() => {
    if (loaded.state === 'ok') setCart(loaded.data);
  }, [loaded]);

  /** Runs a change of the cart; the API answers the whole cart after each one. */
  const change = async (productId: string, steps: (() => Promise<Outcome<Cart>>)[], done: string) => {
    setBusy(productId);
    setProblem(undefined);
    setNotice(undefined);
    for (const step of steps) {
      const outcome = await step();
      if (!outcome.ok) {
        setBusy(undefined);
        setProblem(outcome.problem);
        return;
      }
      setCart(outcome.data);
    }
    setBusy(undefined);
    setNotice(done);
    shop.cartChanged.dispatchEvent(new Event('change'));
  };
  const add = (productId: string, quantity: number) => () =>
    attempt(shop.session, () => shop.client.POST('/cart', { body: { productId, quantity } }), 'cart');
  const remove = (productId: string) => () =>
    attempt(shop.session, () => shop.client.DELETE('/cart/items/{productId}', { params: { path: { productId } } }), 'cart');

  // The API adds to a line or removes it: a smaller quantity is the line removed and added again.
  const setQuantity = (line: Line, quantity: number) => {
    if (quantity === line.quantity) return;
    const steps = quantity > line.quantity ? [add(line.productId, quantity - line.quantity)] : [remove(line.productId), add(line.productId, quantity)];
    void change(line.productId, steps, `${line.name}: quantity ${quantity}.`);
  };

  if (loaded.state === 'failed') return <Page title="Your cart"><ProblemAlert problem={loaded.problem} /></Page>;
  if (!cart) return <Page title="Your cart"><p aria-busy="true">Loading your cart…</p></Page>;
  const unavailable = cart.items.some((line) => !line.available);
  return (
    <Page title="Your cart">
      <ProblemAlert problem={problem} />
      <Notice text={notice} />
      {cart.items.length === 0 ? (
        <p>
          Your cart is empty. <a href="/">Browse the products</a>.
        </p>
      ) : (
        <>
          <table class="lines">
            <caption class="visually-hidden">Products in your cart</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col" class="number">
                  Total
                </th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
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
                    <QuantityControl line={line} disabled={busy !== undefined} onChange={(q) => setQuantity(line, q)} />
                  </td>
                  <td class="number">
                    <Price money={line.lineTotal} />
                  </td>
                  <td>
                    <button
                      type="button"
                      class="link-button"
                      disabled={busy !== undefined}
                      onClick={() => void change(line.productId, [remove(line.productId)], `${line.name} removed from your cart.`)}
                    >
                      Remove <span class="visually-hidden">{line.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Subtotal ({cart.totals.itemCount} {cart.totals.itemCount === 1 ? 'item' : 'items'})
                </th>
                <td class="number">
                  <Price money={cart.totals.subtotal} />
                </td>
                <td />
              </tr>
            </tfoot>
          </table>
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
  useEffect(() => setValue(String(line.quantity)), [line.quantity]);
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
