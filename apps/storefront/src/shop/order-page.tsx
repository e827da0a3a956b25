import type { Order } from '@shop/api-client';
import { useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';
import { attempt } from '../api';
import { newCorrelationId } from '../ids';
import { formatMoney } from '../money';
import { useShop } from '../shop-context';
import { LinesTable } from '../ui/lines-table';
import { Price } from '../ui/money';
import { Page } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem-alert';
import { useAction } from '../ui/use-action';
import { correlationIdOf, rememberCorrelationId } from './order-correlation';
import { describeNoPayment, describePayment, describeStatus, isSettled, paymentAmounts, paymentOf } from './order-status';
import { payForOrder } from './pay';
import { PaymentMethodPicker } from './payment-method-picker';
import { signedInPage } from './require-sign-in';
import { useLiveOrder } from './use-order';

export const OrderPage = signedInPage('Your order', OrderView);

function OrderView() {
  const { params } = useRoute();
  const orderId = params['id'] ?? '';
  const { order, problem, refresh } = useLiveOrder(orderId);
  if (!order) {
    return (
      <Page title="Your order">
        {problem ? <ProblemAlert problem={problem} /> : <p aria-busy="true">Loading your order…</p>}
      </Page>
    );
  }
  const status = describeStatus(order);
  const payment = paymentOf(order);
  const amounts = payment ? paymentAmounts(payment) : '';
  const settled = isSettled(order);
  return (
    <Page title={`Order ${order.orderId.slice(0, 8).toUpperCase()}`}>
      <div class={`status status-${status.tone}`} role="status" aria-live="polite">
        <p class="status-title">
          <span class="visually-hidden">Status: </span>
          {status.title}
        </p>
        <p>{status.detail}</p>
        {payment ? (
          <p class="payment">
            {describePayment(payment, order.status)}
            {amounts ? ` · ${amounts}` : ''}
          </p>
        ) : describeNoPayment(order) ? (
          <p class="payment">{describeNoPayment(order)}</p>
        ) : null}
        {settled ? null : <p class="small">This page updates by itself.</p>}
      </div>
      {problem ? <ProblemAlert problem={problem} /> : null}
      <OrderActions order={order} onChange={refresh} />
      <LinesTable
        caption="What you ordered"
        columns={['Product', 'Quantity', { label: 'Total', number: true }]}
        foot={
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td class="number">
              <Price money={order.total} />
            </td>
          </tr>
        }
      >
        {order.items.map((line) => (
          <tr key={line.productId}>
            <th scope="row">{line.name}</th>
            <td>{line.quantity}</td>
            <td class="number">
              <Price money={line.lineTotal} />
            </td>
          </tr>
        ))}
      </LinesTable>
      <p>
        Placed {new Date(order.createdAt).toLocaleString()}. <a href={`/orders/${order.orderId}/live`}>Watch this order travel through the services</a>.
      </p>
      <p>
        <a href="/orders">All your orders</a>
      </p>
    </Page>
  );
}

function OrderActions({ order, onChange }: { order: Order; onChange: () => void }) {
  const shop = useShop();
  const [method, setMethod] = useState('pm_card_approve');
  const { busy, problem, run, onSubmit } = useAction();
  const [progress, setProgress] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const payment = paymentOf(order);
  const inFlight = payment?.status === 'PROCESSING' || payment?.status === 'CHARGED';
  const payable = order.status === 'AWAITING_PAYMENT' && !inFlight;
  const cancellable = (order.status === 'PENDING' || order.status === 'AWAITING_PAYMENT') && !inFlight;
  if (!payable && !cancellable) return null;

  const pay = onSubmit(async () => {
    let correlationId = correlationIdOf(shop.storage, order.orderId);
    if (!correlationId) {
      correlationId = newCorrelationId();
      rememberCorrelationId(shop.storage, order.orderId, correlationId);
    }
    const paid = await payForOrder(shop, order.orderId, method, correlationId, setProgress);
    setProgress(undefined);
    onChange();
    if (!paid.ok && 'problem' in paid) return paid.problem;
  });
  const cancel = () =>
    run(async () => {
      const outcome = await attempt(
        shop.session,
        () => shop.client.POST('/orders/{orderId}/cancel', { params: { path: { orderId: order.orderId } } }),
        'order',
      );
      setConfirming(false);
      onChange();
      if (!outcome.ok) return outcome.problem;
    });
  return (
    <section class="actions" aria-label="What you can do">
      <ProblemAlert problem={problem} />
      <Notice text={progress} />
      {payable ? (
        <form class="stack-form" onSubmit={pay}>
          <PaymentMethodPicker value={method} onChange={setMethod} />
          <button type="submit" class="primary" disabled={busy}>
            Pay {formatMoney(order.total)}
          </button>
        </form>
      ) : null}
      {cancellable ? (
        confirming ? (
          <p>
            Cancel this order? Its items go back on the shelf.{' '}
            <button type="button" class="danger" disabled={busy} onClick={() => void cancel()}>
              Yes, cancel the order
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </p>
        ) : (
          <p>
            <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
              Cancel order
            </button>
          </p>
        )
      ) : null}
    </section>
  );
}
