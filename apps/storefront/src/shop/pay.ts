import type { Order } from '@shop/api-client';
import { attempt, type Outcome } from '../api';
import type { Shop } from '../shop-context';

/** How long to wait for the checkout to set the items aside before paying: the state machine's first steps. */
const PAYABLE_WITHIN_MS = 30_000;

/**
 * Pays for an order: waits until the checkout has set its items aside (AWAITING_PAYMENT, the
 * only state that takes a payment), then asks the API to charge the payment method, under the
 * checkout's correlation id. The outcome comes later, by the provider's webhook: the order page
 * follows it.
 */
export async function payForOrder(
  shop: Shop,
  orderId: string,
  paymentMethod: string,
  correlationId: string,
  onProgress: (words: string) => void,
): Promise<Outcome<unknown> | { ok: false; settled: Order }> {
  onProgress('Setting your items aside…');
  const deadline = Date.now() + PAYABLE_WITHIN_MS;
  for (let wait = 250; ; wait = Math.min(wait * 1.5, 1500)) {
    const order = await attempt(shop.session, () => shop.client.GET('/orders/{orderId}', { params: { path: { orderId } } }), 'order');
    if (!order.ok) return order;
    if (order.data.status === 'AWAITING_PAYMENT') break;
    // It failed before payment (out of stock, cancelled): nothing to pay.
    if (order.data.status !== 'PENDING') return { ok: false, settled: order.data };
    if (Date.now() > deadline) break; // let the API say why it cannot take the payment
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
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
