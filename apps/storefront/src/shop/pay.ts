import type { Order } from '@shop/api-client';
import { attempt, type Outcome } from '../api';
import type { Shop } from '../shop-context';

/** How long to wait for the checkout to set the items aside before paying: the state machine's first steps. */
const PAYABLE_WITHIN_MS = 30_000;

/**
 * Pays for an order: waits until the checkout has set its items aside (AWAITING_PAYMENT, the
 * only state that takes a payment), then asks the API to charge the payment method, under the
 * checkout's correlation id. The outcome comes later, by the provider's webhook: the order page
 * follows it. An order that will not take a payment now is answered as it is (`notPayable`): one
 * that ended before payment (out of stock, cancelled), or one still being set aside after 30 s,
 * which the order page keeps following and offers to pay once it can.
 */
export async function payForOrder(
  shop: Shop,
  orderId: string,
  paymentMethod: string,
  correlationId: string,
  onProgress: (words: string) => void,
  /** The shopper left the page: stop waiting, and pay nothing. */
  left: () => boolean = () => false,
): Promise<Outcome<unknown> | { ok: false; notPayable: Order } | { ok: false; left: true }> {
  onProgress('Setting your items aside…');
  const deadline = Date.now() + PAYABLE_WITHIN_MS;
  for (let wait = 250; ; wait = Math.min(wait * 1.5, 1500)) {
    if (left()) return { ok: false, left: true };
    const order = await attempt(shop.session, () => shop.client.GET('/orders/{orderId}', { params: { path: { orderId } } }), 'order');
    if (!order.ok) return order;
    if (order.data.status === 'AWAITING_PAYMENT') break;
    // It failed before payment (out of stock, cancelled): nothing to pay.
    if (order.data.status !== 'PENDING') return { ok: false, notPayable: order.data };
    // Slower than usual, not failed: paying now would only be refused as "not payable".
    if (Date.now() > deadline) return { ok: false, notPayable: order.data };
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  // The order page offers to pay a placed order: a shopper who went elsewhere is not charged behind their back.
  if (left()) return { ok: false, left: true };
  onProgress('Paying…');
  return attempt(
    shop.session,
    () =>
      shop.client.POST('/payment/process', {
        params: { header: { 'x-correlation-id': correlationId } },
        body: { orderId, paymentMethod },
      }),
    'payment',
  );
}
