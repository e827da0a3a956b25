import type { OrderPage as Page$ } from '@shop/api-client';
import { attempt } from '../api';
import { useShop } from '../shop-context';
import { LinesTable } from '../ui/lines-table';
import { LoadStatus } from '../ui/load-status';
import { Price } from '../ui/money';
import { Page } from '../ui/page';
import { Pager, useCursorTrail } from '../ui/pager';
import { useLoad } from '../ui/use-async';
import { describeStatus } from './order-status';
import { signedInPage } from './require-sign-in';

export const OrdersPage = signedInPage('Your orders', Orders);

/** The shopper's orders, newest first, a page at a time. */
function Orders() {
  const shop = useShop();
  const pages = useCursorTrail();
  const { cursor } = pages;
  const [loaded] = useLoad<Page$>(
    () => attempt(shop.session, () => shop.client.GET('/orders', { params: { query: { limit: 10, ...(cursor ? { cursor } : {}) } } }), 'order'),
    [cursor],
  );
  return (
    <Page title="Your orders">
      <LoadStatus loaded={loaded} loading="Loading your orders…" />
      {loaded.state === 'ok' && loaded.data.items.length === 0 ? (
        <p>
          You have no orders yet. <a href="/">Browse the products</a>.
        </p>
      ) : null}
      {loaded.state === 'ok' && loaded.data.items.length > 0 ? (
        <>
          <LinesTable caption="Your orders, newest first" columns={['Order', 'Placed', 'Status', { label: 'Total', number: true }]}>
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
          </LinesTable>
          <Pager label="Pages of orders" back={pages.back('Newer orders')} forward={pages.forward(loaded.data.nextCursor, 'Older orders')} />
        </>
      ) : null}
    </Page>
  );
}
