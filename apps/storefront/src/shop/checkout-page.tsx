import type { Cart } from '@shop/api-client';
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { attempt } from '../api';
import { useShop } from '../shop-context';
import { LoadStatus } from '../ui/load-status';
import { Price } from '../ui/money';
import { Page } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem-alert';
import { useAction } from '../ui/use-action';
import { useLoad } from '../ui/use-async';
import { cartSignature, type CheckoutAttempt, checkoutAttempt, orderPlacedForCart, placedCheckoutAttempt, staleCheckoutAttempt } from './checkout-attempt';
import { rememberCorrelationId } from './order-correlation';
import { payForOrder } from './pay';
import { PaymentMethodPicker } from './payment-method-picker';
import { signedInPage } from './require-sign-in';

export const CheckoutPage = signedInPage('Check out', Checkout);

function Checkout() {
  const shop = useShop();
  const { route } = useLocation();
  // An attempt left from an earlier visit for a cart that is no longer this one: its order may have gone through.
  const earlierAttempt = useRef<CheckoutAttempt | undefined>(undefined);
  // The order already placed for this very cart, whose lines the API could not take out of it.
  const placedForThisCart = useRef<string | undefined>(undefined);
  const [loaded, reloadCart] = useLoad<Cart>(async () => {
    const outcome = await attempt(shop.session, () => shop.client.GET('/cart'), 'cart');
    if (outcome.ok) {
      earlierAttempt.current = staleCheckoutAttempt(cartSignature(outcome.data), shop.storage);
      placedForThisCart.current = orderPlacedForCart(cartSignature(outcome.data), shop.storage);
    }
    return outcome;
  }, []);
  // Set when the shopper leaves the page: a checkout under way stops, pays nothing and takes them nowhere.
  const left = useRef(false);
  useEffect(
    () => () => {
      left.current = true;
    },
    [],
  );
  const [method, setMethod] = useState('pm_card_approve');
  const { busy, problem, onSubmit } = useAction();
  const [progress, setProgress] = useState<string>();
  const [placed, setPlaced] = useState<{ orderId: string; correlationId: string }>();

  if (loaded.state !== 'ok') {
    return (
      <Page title="Check out">
        <LoadStatus loaded={loaded} loading="Loading your cart…" />
      </Page>
    );
  }
  const cart = loaded.data;

  const submit = onSubmit(async () => {
    // The same attempt, and so the same Idempotency-Key, for every retry of this cart's order.
    let current = placed;
    if (!current) {
      const checkout = checkoutAttempt(cartSignature(cart), shop.storage);
      setProgress('Placing your order…');
      const order = await attempt(
        shop.session,
        () =>
          shop.client.POST('/orders', {
            params: { header: { 'idempotency-key': checkout.idempotencyKey, 'x-correlation-id': checkout.correlationId } },
            // What the shopper reviewed on this page: a cart or prices changed since are not ordered (409 CART_CHANGED).
            body: { cartId: cart.cartId, cartRevision: cart.revision, expectedTotal: cart.totals.subtotal },
          }),
        'checkout',
      );
      if (!order.ok) {
        setProgress(undefined);
        // The page shows the cart as it is now, for the shopper to review and order again.
        if (order.problem.code === 'CART_CHANGED') reloadCart();
        return order.problem;
      }
      current = { orderId: order.data.orderId, correlationId: checkout.correlationId };
      setPlaced(current);
      rememberCorrelationId(shop.storage, current.orderId, checkout.correlationId);
      placedCheckoutAttempt(shop.storage, current.orderId);
      shop.cartChanged.dispatchEvent(new Event('change'));
    }
    // The payment travels under the order's correlation id too: the live view follows both.
    const paid = await payForOrder(shop, current.orderId, method, current.correlationId, setProgress, () => left.current);
    if (left.current || 'left' in paid) return;
    if (paid.ok || 'notPayable' in paid) return route(`/orders/${current.orderId}`);
    setProgress(undefined);
    return paid.problem;
  });

  if (cart.items.length === 0 && !placed) {
    return (
      <Page title="Check out">
        <p>
          Your cart is empty. <a href="/">Browse the products</a>.
        </p>
        {earlierAttempt.current?.orderId ? (
          <p>
            Your order <a href={`/orders/${earlierAttempt.current.orderId}`}>{earlierAttempt.current.orderId.slice(0, 8).toUpperCase()}</a> is placed: its
            page shows where it stands, and takes the payment while it waits for one.
          </p>
        ) : earlierAttempt.current ? (
          <p>
            The order you were placing may have gone through before the page heard back: see <a href="/orders">your orders</a>.
          </p>
        ) : null}
      </Page>
    );
  }
  return (
    <Page title="Check out">
      {placedForThisCart.current && !placed ? (
        <p class="notice">
          You placed order{' '}
          <a href={`/orders/${placedForThisCart.current}`}>{placedForThisCart.current.slice(0, 8).toUpperCase()}</a> for exactly these items: its page
          shows where it stands and takes its payment. Placing the order again orders them a second time.
        </p>
      ) : null}
      <section aria-labelledby="summary">
        <h2 id="summary">Your order</h2>
        <ul class="summary">
          {cart.items.map((line) => (
            <li key={line.productId}>
              {line.quantity} × {line.name} <Price money={line.lineTotal} />
            </li>
          ))}
        </ul>
        <p class="total">
          Total <Price money={cart.totals.subtotal} />
        </p>
      </section>
      <form class="stack-form" onSubmit={submit}>
        <PaymentMethodPicker value={method} onChange={setMethod} />
        <ProblemAlert problem={problem} />
        <Notice text={progress} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Working…' : placed ? 'Try the payment again' : 'Place order and pay'}
        </button>
        {placed && !busy ? (
          <p>
            Your order is placed. <a href={`/orders/${placed.orderId}`}>See your order</a>.
          </p>
        ) : null}
      </form>
    </Page>
  );
}
