import type { Cart, Product } from '@shop/api-client';
import { useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';
import { attempt, type Outcome } from '../api';
import { newIdempotencyKey } from '../ids';
import type { Problem } from '../problem';
import { type Shop, useSession, useShop } from '../shop-context';
import { Field } from '../ui/field';
import { Price } from '../ui/money';
import { Page } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem-alert';
import { useLoad } from '../ui/use-async';

export function ProductPage() {
  const shop = useShop();
  const { params } = useRoute();
  const id = params['id'] ?? '';
  const [loaded] = useLoad<Product>(() => attempt(shop.session, () => shop.client.GET('/products/{id}', { params: { path: { id } } }), 'product'), [id]);

  if (loaded.state === 'loading') return <Page title="Product"><p aria-busy="true">Loading…</p></Page>;
  if (loaded.state === 'failed') {
    return (
      <Page title="Product">
        <ProblemAlert problem={loaded.problem} />
        <p>
          <a href="/">Back to the products</a>
        </p>
      </Page>
    );
  }
  const product = loaded.data;
  return (
    <Page title={product.name}>
      <p class="lead">{product.description}</p>
      <p class="price-line">
        <Price money={product.price} /> <span class="stock">{product.stock > 0 ? `${product.stock} in stock` : 'Sold out'}</span>
      </p>
      {product.stock > 0 ? <AddToCart product={product} /> : null}
      <p>
        <a href="/">Back to the products</a>
      </p>
    </Page>
  );
}

function AddToCart({ product }: { product: Product }) {
  const shop = useShop();
  const signedIn = useSession();
  const [quantity, setQuantity] = useState('1');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [added, setAdded] = useState<string>();
  // One add's Idempotency-Key: the same when the add is tried again after it failed (the cart may
  // have taken it and only the answer was lost), a new one once it went through or the quantity changes.
  const [addKey, setAddKey] = useState(newIdempotencyKey);

  if (!signedIn) {
    return (
      <p>
        <a href={`/sign-in?next=${encodeURIComponent(`/products/${product.productId}`)}`}>Sign in</a> to add this to your cart.
      </p>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setAdded(undefined);
    const outcome = await addToCart(shop, { productId: product.productId, quantity: Number(quantity) }, addKey);
    setBusy(false);
    if (!outcome.ok) return setProblem(outcome.problem);
    setAddKey(newIdempotencyKey());
    shop.cartChanged.dispatchEvent(new Event('change'));
    setAdded(`Added ${quantity} × ${product.name} to your cart.`);
  };
  return (
    <form class="inline-form" onSubmit={submit} noValidate>
      <Field
        name="quantity"
        label="Quantity"
        type="number"
        inputMode="numeric"
        min={1}
        max={99}
        value={quantity}
        onInput={(e) => {
          setQuantity(e.currentTarget.value);
          setAddKey(newIdempotencyKey());
        }}
        error={problem?.fields['quantity']}
      />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add to cart'}
      </button>
      {/* Always: the alert is what a screen reader announces; the field's own error says what to change. */}
      <ProblemAlert problem={problem} />
      <Notice text={added} focusOnChange />
      {added ? (
        <p>
          <a href="/cart">Go to your cart</a>
        </p>
      ) : null}
    </form>
  );
}

/**
 * Adds to the caller's cart under an Idempotency-Key that a retry of the same add reuses: an add
 * whose answer was lost, tried again, is answered with the cart and not added twice.
 */
export function addToCart(shop: Pick<Shop, 'client' | 'session'>, item: { productId: string; quantity: number }, idempotencyKey: string): Promise<Outcome<Cart>> {
  return attempt(shop.session, () => shop.client.POST('/cart', { params: { header: { 'idempotency-key': idempotencyKey } }, body: item }), 'cart');
}
