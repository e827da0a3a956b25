import type { Order } from '@shop/api-client';
import { formatMoney } from '../money';

export type Tone = 'good' | 'waiting' | 'bad';

/** The money side of an order (`payment`): absent before any payment attempt, and from an API that does not send it yet. */
export type OrderPayment = NonNullable<Order extends { payment?: infer P } ? P : never>;

const FINAL = new Set<Order['status']>(['PAID', 'CANCELLED', 'PAYMENT_FAILED']);

/**
 * Nothing more will change by itself: a final status, and no charge or refund still under way. A
 * charge that pays an order which ended unpaid is one step from being marked for its refund (the
 * order's end and its refund are two writes): the page keeps watching until it is.
 */
export function isSettled(order: Order): boolean {
  const payment = paymentOf(order)?.status;
  if (payment === 'CHARGED' && order.status !== 'PAID') return false;
  return FINAL.has(order.status) && payment !== 'PROCESSING' && payment !== 'REFUND_PENDING';
}

export function paymentOf(order: Order): OrderPayment | undefined {
  return (order as { payment?: OrderPayment }).payment;
}

/** The order's status in a few words, and what the shopper can do. */
export function describeStatus(order: Order): { title: string; detail: string; tone: Tone } {
  switch (order.status) {
    case 'PENDING':
      return { title: 'Placed', detail: 'We are checking your order and putting your items aside.', tone: 'waiting' };
    case 'AWAITING_PAYMENT':
      return paymentOf(order)?.status === 'PROCESSING'
        ? { title: 'Paying', detail: 'Your payment is being confirmed.', tone: 'waiting' }
        : { title: 'Awaiting payment', detail: 'Your items are set aside. Pay to complete the order.', tone: 'waiting' };
    case 'PAID':
      return { title: 'Paid', detail: 'Thank you! Your order is paid.', tone: 'good' };
    case 'CANCELLED':
      return { title: 'Cancelled', detail: reasonText(order.reason, 'The order was cancelled.'), tone: 'bad' };
    case 'PAYMENT_FAILED': {
      // "Did not go through" only when it did not: a charge in flight or being given back is told apart (describePayment).
      const payment = paymentOf(order)?.status;
      const declined = payment === undefined || payment === 'DECLINED';
      return { title: 'Payment failed', detail: reasonText(order.reason, declined ? 'The payment did not go through.' : 'The order was not paid in time.'), tone: 'bad' };
    }
  }
}

/** What an order that ended unpaid, with no payment ever attempted, says of the money (docs/payments.md); nothing for any other. */
export function describeNoPayment(order: Order): string | undefined {
  return paymentOf(order) === undefined && (order.status === 'CANCELLED' || order.status === 'PAYMENT_FAILED') ? 'Nothing was charged.' : undefined;
}

const PAYMENT_WORDS: Record<OrderPayment['status'], string> = {
  PROCESSING: 'Your payment is being confirmed.',
  CHARGED: 'Charged',
  DECLINED: 'Your card was declined; nothing was charged.',
  REFUND_PENDING: 'A refund is on its way.',
  REFUNDED: 'Refunded',
  REFUND_FAILED: 'The refund has not gone through yet; our team is on it and will contact you.',
};

/**
 * What happened to the money. A charge still unanswered when the order has already ended (its
 * window closed first) is not "being confirmed" for that order any more: if it goes through, the
 * shop gives it back.
 */
export function describePayment(payment: OrderPayment, status?: Order['status']): string {
  if (payment.status === 'PROCESSING' && status && FINAL.has(status) && status !== 'PAID') {
    return 'We have not heard back about your payment. If it goes through after all, it will be refunded automatically.';
  }
  return PAYMENT_WORDS[payment.status];
}

/**
 * How long the order page waits before asking again, `elapsedMs` after it started: every second
 * at first, while a checkout moves fastest; every 3 s for five minutes; then every 30 s, so that a
 * tab left open on an order waiting for an answer that may take hours costs the API next to nothing.
 */
export function pollDelayMs(elapsedMs: number): number {
  if (elapsedMs < 30_000) return 1_000;
  if (elapsedMs < 5 * 60_000) return 3_000;
  return 30_000;
}

/**
 * What was taken and what was given back, in each currency, never added up across currencies:
 * `Charged $15.00 and €15.00 · Refunded €15.00`. Empty when nothing was taken.
 */
export function paymentAmounts(payment: OrderPayment): string {
  const line = (label: string, which: 'charged' | 'refunded') => {
    const some = [payment[which], ...(payment.otherCurrencies ?? []).map((other) => other[which])].filter((money) => money.amount > 0);
    return some.length > 0 ? `${label} ${some.map((money) => formatMoney(money)).join(' and ')}` : '';
  };
  return [line('Charged', 'charged'), line('Refunded', 'refunded')].filter(Boolean).join(' · ');
}

function reasonText(reason: string | undefined, fallback: string): string {
  return reason ? `${fallback.replace(/\.$/, '')}: ${reason}.` : fallback;
}
