import type { ProductPage as Page$ } from '@shop/api-client';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { attempt } from '../api';
import { useShop } from '../shop-context';
import { LoadStatus } from '../ui/load-status';
import { Price } from '../ui/money';
import { Page } from '../ui/page';
import { Pager } from '../ui/pager';
import { useLoad } from '../ui/use-async';

const PAGE_SIZE = 12;

/** The catalogue, a page at a time: `?cursor=` is the API's cursor, so a page can be bookmarked. */
export function CataloguePage() {
  const shop = useShop();
  const { query, route } = useLocation();
  const cursor = query['cursor'];
  // The cursors of the pages before this one, for "Previous": the API pages forward only.
  const [previous, setPrevious] = useState<(string | undefined)[]>([]);
  const [loaded] = useLoad<Page$>(
    () => attempt(shop.session, () => shop.client.GET('/products', { params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } }), 'product'),
    [cursor],
  );
  const go = (next: string | undefined) => route(next ? `/?cursor=${encodeURIComponent(next)}` : '/');
  const back = () => {
    setPrevious(previous.slice(0, -1));
    go(previous.at(-1));
  };
  const forwardTo = (next: string) => () => {
    setPrevious([...previous, cursor]);
    go(next);
  };

  return (
    <Page title="Products">
      <LoadStatus loaded={loaded} loading="Loading products…" />
      {loaded.state === 'ok' ? (
        <>
          {loaded.data.items.length === 0 ? <p>There are no products here yet.</p> : null}
          <ul class="product-grid">
            {loaded.data.items.map((product) => (
              <li key={product.productId} class="card">
                <h2>
                  <a href={`/products/${product.productId}`}>{product.name}</a>
                </h2>
                <p class="description">{product.description}</p>
                <p>
                  <Price money={product.price} />
                  <span class="stock">{product.stock > 0 ? ` · ${product.stock} in stock` : ' · Sold out'}</span>
                </p>
              </li>
            ))}
          </ul>
          <Pager
            label="Pages of products"
            back={cursor ? { label: previous.length ? 'Previous page' : 'First page', go: back } : undefined}
            forward={loaded.data.nextCursor ? { label: 'Next page', go: forwardTo(loaded.data.nextCursor) } : undefined}
          />
        </>
      ) : null}
    </Page>
  );
}
