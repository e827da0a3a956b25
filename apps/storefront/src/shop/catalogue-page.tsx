import type { ProductPage as Page$ } from '@shop/api-client';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { attempt } from '../api';
import { useShop } from '../shop-context';
import { Price } from '../ui/money';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
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

  return (
    <Page title="Products">
      {loaded.state === 'loading' ? <p aria-busy="true">Loading products…</p> : null}
      {loaded.state === 'failed' ? <ProblemAlert problem={loaded.problem} /> : null}
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
          <nav class="pager" aria-label="Pages of products">
            {cursor ? (
              <button
                type="button"
                onClick={() => {
                  const back = previous.at(-1);
                  setPrevious(previous.slice(0, -1));
                  go(back);
                }}
              >
                {previous.length ? 'Previous page' : 'First page'}
              </button>
            ) : null}
            {loaded.data.nextCursor ? (
              <button
                type="button"
                onClick={() => {
                  setPrevious([...previous, cursor]);
                  go(loaded.data.nextCursor ?? undefined);
                }}
              >
                Next page
              </button>
            ) : null}
          </nav>
        </>
      ) : null}
    </Page>
  );
}
