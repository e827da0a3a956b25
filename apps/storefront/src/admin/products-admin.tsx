import type { Product, ProductChanges, ProductPage, Profile } from '@shop/api-client';
import { useEffect, useState } from 'preact/hooks';
import { attempt } from '../api';
import { newIdempotencyKey } from '../ids';
import { formatMoney, parsePrice } from '../money';
import type { Problem } from '../problem';
import { useShop } from '../shop-context';
import { Field, OtherFieldErrors, textOf } from '../ui/field';
import { LinesTable } from '../ui/lines-table';
import { LoadStatus } from '../ui/load-status';
import { Pager, useCursorTrail } from '../ui/pager';
import { Notice, ProblemAlert } from '../ui/problem-alert';
import { useAction } from '../ui/use-action';
import { useLoad } from '../ui/use-async';
import { adjustStock, type StockAdjustmentPage, stockAdjustments } from './stock-adjustments';

type Editing = { kind: 'new' } | { kind: 'edit'; productId: string } | undefined;

export function ProductsAdmin({ role }: { role: Profile['role'] }) {
  const shop = useShop();
  const pages = useCursorTrail();
  const { cursor } = pages;
  const [loaded, reload] = useLoad<ProductPage>(
    () => attempt(shop.session, () => shop.client.GET('/products', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } }), 'admin'),
    [cursor],
  );
  const [editing, setEditing] = useState<Editing>();
  const [notice, setNotice] = useState<string>();
  const done = (words: string) => {
    setEditing(undefined);
    setNotice(words);
    reload();
  };

  return (
    <section aria-labelledby="products-heading">
      <h2 id="products-heading">Products</h2>
      <Notice text={notice} focusOnChange />
      {editing ? (
        <ProductForm
          key={editing.kind === 'edit' ? editing.productId : 'new'}
          editing={editing}
          role={role}
          onDone={done}
          onCancel={() => {
            setEditing(undefined);
            reload();
          }}
          onStale={reload}
        />
      ) : (
        <p>
          <button type="button" class="primary" onClick={() => setEditing({ kind: 'new' })}>
            New product
          </button>
        </p>
      )}
      <LoadStatus loaded={loaded} loading="Loading products…" />
      {loaded.state === 'ok' ? (
        <>
          <LinesTable
            caption="The catalogue"
            columns={['Name', { label: 'Price', number: true }, { label: 'Stock', number: true }, { label: 'Actions', hidden: true }]}
          >
            {loaded.data.items.map((product) => (
              <tr key={product.productId}>
                <th scope="row">{product.name}</th>
                <td class="number">{formatMoney(product.price)}</td>
                <td class="number">{product.stock}</td>
                <td>
                  <button type="button" class="link-button" onClick={() => setEditing({ kind: 'edit', productId: product.productId })}>
                    Edit <span class="visually-hidden">{product.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </LinesTable>
          <Pager label="Pages of products" back={pages.back('Previous page')} forward={pages.forward(loaded.data.nextCursor, 'Next page')} />
        </>
      ) : null}
    </section>
  );
}

const FORM_FIELDS = ['name', 'description', 'price.amount', 'price.currency', 'price', 'stock'];

/**
 * Creates a product, under an Idempotency-Key that a retry of the same form reuses (a lost answer
 * never lists it twice), or edits one. An edit sends only what changed, with `If-Match` when the API
 * gave the product an ETag: a change made meanwhile by someone else is refused (412), not lost.
 * A removal sends it too: an admin removes the product they looked at, not one changed since.
 */
function ProductForm({
  editing,
  role,
  onDone,
  onCancel,
  onStale,
}: {
  editing: NonNullable<Editing>;
  role: Profile['role'];
  onDone: (words: string) => void;
  onCancel: () => void;
  /** The list may be out of date: someone else changed a product. */
  onStale: () => void;
}) {
  const shop = useShop();
  const [original, setOriginal] = useState<{ product: Product; etag?: string }>();
  const [loadProblem, setLoadProblem] = useState<Problem>();
  const { busy, problem, run, onSubmit } = useAction();
  const [confirmDelete, setConfirmDelete] = useState(false);
  // A new product's Idempotency-Key: the same for every retry of the form as it is, a new one once it changes.
  const [createKey, setCreateKey] = useState(newIdempotencyKey);
  const productId = editing.kind === 'edit' ? editing.productId : undefined;
  // Stock is set once, on creation; afterwards it changes only by adjustments (below the form).
  const editsStock = editing.kind === 'new';

  /** The product as it is now, and its ETag: on opening, and again after a 412 (someone changed it meanwhile); answers it. */
  const load = (id: string) =>
    attempt(shop.session, () => shop.client.GET('/products/{id}', { params: { path: { id } } }), 'product').then((outcome) => {
      if (!outcome.ok) return void setLoadProblem(outcome.problem);
      const etag = outcome.response.headers.get('etag');
      setOriginal({ product: outcome.data, ...(etag ? { etag } : {}) });
      return outcome.data;
    });
  /** A change refused because the product moved on (412): the form shows it as it is now, and the list too. */
  const afterRefusal = (problem: Problem) => {
    if (problem.status === 412 && productId) {
      void load(productId);
      onStale();
    }
    return problem;
  };

  useEffect(() => {
    if (productId) void load(productId);
  }, [productId]);

  if (productId && !original) return loadProblem ? <ProblemAlert problem={loadProblem} /> : <p aria-busy="true">Loading the product…</p>;
  const product = original?.product;

  const submit = onSubmit(async (form) => {
    const amount = parsePrice(textOf(form, 'price'));
    if (amount === undefined) return { status: 400, message: 'Please correct the highlighted fields.', fields: { 'price.amount': 'Enter a price like 12.50.' } };
    const stock = editsStock ? Number(textOf(form, 'stock')) : undefined;
    const values = {
      name: textOf(form, 'name'),
      description: textOf(form, 'description'),
      price: { amount, currency: textOf(form, 'currency') as Product['price']['currency'] },
      ...(stock === undefined ? {} : { stock }),
    };
    if (!product) {
      const created = await attempt(
        shop.session,
        () => shop.client.POST('/products', { params: { header: { 'idempotency-key': createKey } }, body: { ...values, stock: stock ?? 0 } }),
        'admin',
      );
      return created.ok ? onDone(`${created.data.name} is in the catalogue.`) : created.problem;
    }
    const changes = Object.fromEntries(
      Object.entries(values).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(product[key as keyof Product])),
    ) as ProductChanges;
    if (Object.keys(changes).length === 0) return onDone('Nothing changed.');
    const updated = await attempt(
      shop.session,
      () =>
        shop.client.PUT('/products/{id}', {
          // Only if nobody changed it since it was read: else 412, and their change is not lost.
          params: { path: { id: product.productId }, ...(original?.etag ? { header: { 'if-match': original.etag } } : {}) },
          body: changes,
        }),
      'admin',
    );
    if (updated.ok) return onDone(`${updated.data.name} is saved.`);
    // A 412 may answer this very save sent again (its answer was lost, and it moved the ETag): the product then holds every change.
    if (updated.problem.status === 412) {
      const now = await load(product.productId);
      if (now && holdsChanges(now, changes)) return onDone(`${now.name} is saved.`);
      onStale();
      return updated.problem;
    }
    return afterRefusal(updated.problem);
  });

  const remove = (removed: Product) =>
    run(async () => {
      const deleted = await attempt(
        shop.session,
        // The product the admin looked at, not one changed since: else 412, and they see the change first.
        () => shop.client.DELETE('/products/{id}', { params: { path: { id: removed.productId }, ...(original?.etag ? { header: { 'if-match': original.etag } } : {}) } }),
        'admin',
      );
      return deleted.ok ? onDone(`${removed.name} left the catalogue.`) : afterRefusal(deleted.problem);
    });

  return (
    <div class="panel">
      {/* Keyed by the version it shows: after a 412 the fields show the product as it is now. */}
      <form
        key={original?.etag ?? 'new'}
        class="stack-form"
        onSubmit={submit}
        onInput={() => setCreateKey(newIdempotencyKey())}
        noValidate
        aria-labelledby="product-form-heading"
      >
        <h3 id="product-form-heading">{product ? `Edit ${product.name}` : 'New product'}</h3>
        <ProblemAlert problem={problem} />
        <Field name="name" label="Name" required maxLength={200} defaultValue={product?.name} error={problem?.fields['name']} />
        <Field name="description" label="Description" maxLength={2000} defaultValue={product?.description} error={problem?.fields['description']} />
        <Field
          name="price"
          label="Price"
          inputMode="decimal"
          required
          defaultValue={product ? (product.price.amount / 100).toFixed(2) : ''}
          hint="In units of the currency, like 12.50."
          error={problem?.fields['price.amount'] ?? problem?.fields['price']}
        />
        <div class="field">
          <label for="field-currency">Currency</label>
          <select id="field-currency" name="currency" defaultValue={product?.price.currency ?? 'USD'}>
            <option value="USD">US dollar (USD)</option>
            <option value="EUR">Euro (EUR)</option>
            <option value="GBP">Pound sterling (GBP)</option>
          </select>
        </div>
        {editsStock ? (
          <Field name="stock" label="Stock" type="number" inputMode="numeric" min={0} required defaultValue={String(product?.stock ?? 0)} error={problem?.fields['stock']} />
        ) : null}
        <OtherFieldErrors fields={problem?.fields} shown={FORM_FIELDS} />
        <div class="button-row">
          <button type="submit" class="primary" disabled={busy}>
            {product ? 'Save' : 'Create product'}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          {product && role === 'ADMIN' ? (
            confirmDelete ? (
              <button type="button" class="danger" disabled={busy} onClick={() => void remove(product)}>
                Yes, remove {product.name}
              </button>
            ) : (
              <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
                Remove from catalogue
              </button>
            )
          ) : null}
        </div>
      </form>
      {product ? <StockPanel productId={product.productId} /> : null}
    </div>
  );
}

/** Stock moves by adjustment, each with its reason and an Idempotency-Key reused on retry, and a history. */
function StockPanel({ productId }: { productId: string }) {
  const shop = useShop();
  const [history, reload] = useLoad(() => stockAdjustments(shop, productId), [productId]);
  const [key, setKey] = useState(newIdempotencyKey);
  const { busy, problem, onSubmit } = useAction();
  const [notice, setNotice] = useState<string>();
  const submit = onSubmit(async (form, element) => {
    const adjusted = await adjustStock(shop, productId, { delta: Number(form.get('delta')), reason: textOf(form, 'reason') }, key);
    if (!adjusted.ok) return adjusted.problem;
    setKey(newIdempotencyKey());
    element.reset();
    setNotice(`Stock is now ${adjusted.data.stockAfter}.`);
    reload();
  });
  return (
    <section aria-labelledby="stock-heading">
      <h3 id="stock-heading">Stock</h3>
      <form class="stack-form" onSubmit={submit} noValidate onInput={() => setKey(newIdempotencyKey())}>
        <ProblemAlert problem={problem} />
        <Notice text={notice} focusOnChange />
        <Field name="delta" label="Change" type="number" inputMode="numeric" required hint="Positive adds stock, negative takes it away." error={problem?.fields['delta']} />
        <Field name="reason" label="Reason" required maxLength={200} error={problem?.fields['reason']} />
        <button type="submit" disabled={busy}>
          Adjust stock
        </button>
      </form>
      {history.state === 'ok' ? <AdjustmentHistory items={history.data.items} /> : null}
      {history.state === 'failed' ? <ProblemAlert problem={history.problem} /> : null}
    </section>
  );
}

function AdjustmentHistory({ items }: { items: StockAdjustmentPage['items'] }) {
  if (items.length === 0) return <p>No adjustments yet.</p>;
  return (
    <LinesTable caption="Adjustments, newest first" captionShown columns={['When', { label: 'Change', number: true }, 'Reason', 'By']}>
      {items.map((a) => (
        <tr key={a.adjustmentId}>
          <td>{new Date(a.at).toLocaleString()}</td>
          <td class="number">{a.delta > 0 ? `+${a.delta}` : a.delta}</td>
          <td>{a.reason}</td>
          <td>{a.by}</td>
        </tr>
      ))}
    </LinesTable>
  );
}

/** Whether the product holds every one of these changes: a save that went through, whoever's answer was lost. */
export function holdsChanges(product: Product, changes: ProductChanges): boolean {
  return Object.entries(changes).every(([key, value]) => JSON.stringify(value) === JSON.stringify(product[key as keyof Product]));
}
