import { LocationProvider } from 'preact-iso';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { SessionStore } from '../src/session';
import { type Shop, ShopContext } from '../src/shop-context';
import { signedInPage } from '../src/shop/require-sign-in';
import { textOf } from '../src/ui/field';
import { LinesTable } from '../src/ui/lines-table';
import { LoadStatus } from '../src/ui/load-status';
import { Pager } from '../src/ui/pager';

describe('the table of lines', () => {
  it('captions it for screen readers, aligns number columns and hides the headings only a screen reader needs', () => {
    const html = renderToString(
      <LinesTable caption="Products in your cart" columns={['Product', { label: 'Total', number: true }, { label: 'Actions', hidden: true }]} foot={<tr><td>foot</td></tr>}>
        <tr>
          <td>row</td>
        </tr>
      </LinesTable>,
    );
    expect(html).toBe(
      '<table class="lines"><caption class="visually-hidden">Products in your cart</caption><thead><tr><th scope="col">Product</th>' +
        '<th scope="col" class="number">Total</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>' +
        '<tbody><tr><td>row</td></tr></tbody><tfoot><tr><td>foot</td></tr></tfoot></table>',
    );
  });

  it('shows its caption to everyone when asked, and has none when not given one', () => {
    expect(renderToString(<LinesTable caption="Adjustments" captionShown columns={['When']}>{null}</LinesTable>)).toContain('<caption>Adjustments</caption>');
    expect(renderToString(<LinesTable columns={['When']}>{null}</LinesTable>)).not.toContain('<caption');
  });
});

describe('the pager', () => {
  it('shows a button only for the pages there are', () => {
    const go = () => undefined;
    const both = renderToString(<Pager label="Pages of orders" back={{ label: 'Newer orders', go }} forward={{ label: 'Older orders', go }} />);
    expect(both).toBe('<nav class="pager" aria-label="Pages of orders"><button type="button">Newer orders</button><button type="button">Older orders</button></nav>');
    const first = renderToString(<Pager label="Pages of orders" back={undefined} forward={{ label: 'Older orders', go }} />);
    expect(first).not.toContain('Newer orders');
  });
});

describe('the load status', () => {
  it('says it is loading, then the problem, then gives way to the data', () => {
    expect(renderToString(<LoadStatus loaded={{ state: 'loading' }} loading="Loading your orders…" />)).toBe('<p aria-busy="true">Loading your orders…</p>');
    const failed = renderToString(<LoadStatus loaded={{ state: 'failed', problem: { status: 503, message: 'Try again.', fields: {} } }} loading="Loading…" />);
    expect(failed).toContain('role="alert"');
    expect(failed).toContain('Try again.');
    expect(renderToString(<LoadStatus loaded={{ state: 'ok', data: [] }} loading="Loading…" />)).toBe('');
  });
});

describe('a page for signed-in shoppers', () => {
  const CartView = () => <p>the cart</p>;
  const CartPage = signedInPage('Your cart', CartView);
  const render = (session: SessionStore) => {
    // Only the session is read on the way to the page.
    const shop = { session } as Shop;
    const location = { url: '/cart?x=1', path: '/cart', query: {}, route: () => undefined, back: () => undefined, forward: () => undefined };
    return renderToString(
      <ShopContext.Provider value={shop}>
        <LocationProvider.ctx.Provider value={location}>
          <CartPage />
        </LocationProvider.ctx.Provider>
      </ShopContext.Provider>,
    );
  };

  it('asks anyone else to sign in, and to come back to it afterwards', () => {
    const html = render(new SessionStore(undefined));
    expect(html).toContain('<h1>Your cart</h1>');
    expect(html).toContain('href="/sign-in?next=%2Fcart%3Fx%3D1"');
    expect(html).not.toContain('the cart');
  });

  it('shows itself to a signed-in shopper', () => {
    const session = new SessionStore(undefined);
    session.signIn({ token: 't', tokenType: 'Bearer', idToken: 'i', refreshToken: 'r', expiresIn: 3600, expiresAt: '2099-01-01T00:00:00.000Z' }, 'ann@example.com');
    expect(render(session)).toBe('<p>the cart</p>');
  });
});

describe('a text field of a form', () => {
  it('reads trimmed, and empty when the form has no such field', () => {
    const form = new FormData();
    form.set('email', '  ann@example.com ');
    expect(textOf(form, 'email')).toBe('ann@example.com');
    expect(textOf(form, 'phone')).toBe('');
  });
});
