import type { ComponentType } from 'preact';
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { attempt } from './api';
import { AccountPage } from './shop/account-page';
import { CartPage } from './shop/cart-page';
import { CataloguePage } from './shop/catalogue-page';
import { CheckoutPage } from './shop/checkout-page';
import { NotFoundPage } from './shop/not-found-page';
import { OrderPage } from './shop/order-page';
import { OrdersPage } from './shop/orders-page';
import { ProductPage } from './shop/product-page';
import { SignInPage } from './shop/sign-in-page';
import { AccountDeletedNotice, SignOutNotice } from './shop/sign-out-notice';
import { SignUpPage } from './shop/sign-up-page';
import { isStaff, type Shop, ShopContext, useProfile, useSession, useShop } from './shop-context';

// Shoppers never download the admin panel or the live view: each is its own chunk, loaded on its route.
const AdminPage = lazy(() => import('./admin/admin-page').then((m) => m.AdminPage));
const LivePage = lazy(() => import('./live/live-page').then((m) => m.LivePage));

/**
 * Each path and its page, tried in this order; a path none matches is NotFoundPage's. The routes
 * take no key, so that moving between two paths of one page (/admin, /admin/reports) keeps it mounted.
 */
const ROUTES: [string, ComponentType][] = [
  ['/', CataloguePage],
  ['/products/:id', ProductPage],
  ['/sign-in', SignInPage],
  ['/sign-up', SignUpPage],
  ['/cart', CartPage],
  ['/checkout', CheckoutPage],
  ['/orders', OrdersPage],
  ['/orders/:id', OrderPage],
  ['/orders/:id/live', LivePage],
  ['/account', AccountPage],
  ['/live', LivePage],
  ['/admin', AdminPage],
  ['/admin/:section', AdminPage],
];

export function App({ shop }: { shop: Shop }) {
  return (
    <ShopContext.Provider value={shop}>
      <LocationProvider>
        <Layout>
          <ErrorBoundary>
            <Router>
              {ROUTES.map(([path, page]) => (
                <Route path={path} component={page} />
              ))}
              <Route default component={NotFoundPage} />
            </Router>
          </ErrorBoundary>
        </Layout>
      </LocationProvider>
    </ShopContext.Provider>
  );
}

function Layout({ children }: { children: preact.ComponentChildren }) {
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // A new page: move focus to it, so that a screen reader starts reading there, as after a page load.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [path]);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" ref={main} tabIndex={-1}>
        <SignOutNotice />
        <AccountDeletedNotice />
        {children}
      </main>
      <footer class="site-footer">
        <p>
          A reference shop on AWS Lambda. Pay with the test payment methods only: no real money moves.{' '}
          <a href="/live">How it works</a>
        </p>
      </footer>
    </>
  );
}

function Header() {
  const shop = useShop();
  const signedIn = useSession();
  const { profile } = useProfile();
  const { path, route } = useLocation();
  const count = useCartCount();
  const current = (href: string) => (href === '/' ? path === '/' : path.startsWith(href)) ? 'page' : undefined;
  return (
    <header class="site-header">
      <a class="brand" href="/">
        Serverless shop
      </a>
      <nav aria-label="Main">
        <ul>
          <li>
            <a href="/" aria-current={current('/')}>
              Products
            </a>
          </li>
          {signedIn ? (
            <>
              <li>
                <a href="/cart" aria-current={current('/cart')}>
                  Cart{count ? <span class="badge"> {count} <span class="visually-hidden">items</span></span> : null}
                </a>
              </li>
              <li>
                <a href="/orders" aria-current={current('/orders')}>
                  Orders
                </a>
              </li>
              <li>
                <a href="/account" aria-current={current('/account')}>
                  Account
                </a>
              </li>
              {isStaff(profile) ? (
                <li>
                  <a href="/admin" aria-current={current('/admin')}>
                    Admin
                  </a>
                </li>
              ) : null}
              <li>
                <button
                  type="button"
                  class="link-button"
                  onClick={() => {
                    void shop.session.signOut();
                    route('/');
                  }}
                >
                  Sign out <span class="visually-hidden">{signedIn.email}</span>
                </button>
              </li>
            </>
          ) : (
            <>
              <li>
                <a href="/sign-in" aria-current={current('/sign-in')}>
                  Sign in
                </a>
              </li>
              <li>
                <a href="/sign-up" aria-current={current('/sign-up')}>
                  Create account
                </a>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}

/** How many items the cart holds, refreshed whenever a page says the cart changed. */
function useCartCount(): number | undefined {
  const shop = useShop();
  const signedIn = useSession();
  const [count, setCount] = useState<number>();
  useEffect(() => {
    if (!signedIn) {
      setCount(undefined);
      return;
    }
    let current = true;
    const refresh = () =>
      void attempt(shop.session, () => shop.client.GET('/cart'), 'cart').then((o) => current && setCount(o.ok ? o.data.totals.itemCount : undefined));
    refresh();
    shop.cartChanged.addEventListener('change', refresh);
    return () => {
      current = false;
      shop.cartChanged.removeEventListener('change', refresh);
    };
  }, [shop, signedIn?.token]);
  return count;
}
