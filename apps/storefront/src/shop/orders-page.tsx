import type { OrderPage as Page$ } from '@shop/api-client';
import { useState } from 'preact/hooks';
import { attempt } from '../api';
import { useShop } from '../shop-context';
import { Price } from '../ui/money';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { useLoad } from '../ui/use-async';
import { describeStatus } from './order-status';
import { RequireSignIn } from './require-sign-in';

export function OrdersPage() {
  return (
    <RequireSignIn title="Your orders">
      <Orders />
    </RequireSignIn>
  );
}

/** The shopper's orders, newest first, a page at a time. */
function Orders() {
  const shop = useShop();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const [loaded] = useLoad<Page$>(
    () => attempt(shop.session, () => shop.client.GET('/orders', { params: { query: { limit: 10, ...(cursor ? { cursor } : {}) } } }), 'order'),
    [cursor],
  );
  return (
    <Page title="Your orders">
      {loaded.state === 'loading' ? <p aria-busy="true">Loading your orders…</p> : null}
      {loaded.state === 'failed' ? <ProblemAlert problem={loaded.problem} /> : null}
      {loaded.state === 'ok' && loaded.data.items.length === 0 ? (
        <p>
          You have no orders yet. <a href="/">Browse the products</a>.
        </p>
      ) : null}
      {loaded.state === 'ok' && loaded.data.items.length > 0 ? (
        <>
          <table class="lines">
            <caption class="visually-hidden">Your orders, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Status</th>
                <th scope="col" class="number">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.items.map((order) => (
                <tr key={order.orderId}>
                  <th scope="row">
                    <a href={`/orders/${order.orderId}`}>{order.orderId.slice(0, 8).toUpperCase()}</a>
                  </th>
                  <td>{new Date(order.createdAt).toLocaleString()}</td>
                  <td>{describeStatus(order).title}</td>
                  <td class="number">
                    <Price money={order.total} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages of orders">
            {cursors.length > 1 ? (
              <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
                Newer orders
              </button>
            ) : null}
            {loaded.data.nextCursor ? (
              <button type="button" onClick={() => setCursors([...cursors, loaded.data.nextCursor ?? undefined])}>
                Older orders
              </button>
            ) : null}
          </nav>
        </>
      ) : null}
    </Page>
  );
}
