import { type Contact, formatMoney, nameProblem, type OrderPayment, plainName } from '@shop/contracts';
import type { OrderEvent } from './order-event';

/** What a customer gets about one order event: an e-mail, and for the news that matters most an SMS. */
export interface CustomerMessage {
  subject: string;
  text: string;
  /** Short enough for one SMS segment where possible; absent when the event is not worth a text. */
  sms?: string;
}

/** The longest name a greeting shows; a longer one gets the plain greeting. */
export const GREETING_NAME_MAX = 60;

/**
 * Renders the message for an event, addressed to the customer by name when the name is safe to
 * show. Pure: the same event always reads the same. What it says about money follows the order's
 * `payment`, never a guess: "nothing was charged" only when nothing was.
 */
export function renderMessage(event: OrderEvent, contact: Pick<Contact, 'name'>): CustomerMessage {
  const order = shortId(event.detail.orderId);
  const hello = greeting(contact.name);
  const signature = '\n\nThe Shop';
  switch (event.type) {
    case 'OrderCreated': {
      const { items, total } = event.detail;
      const count = items.reduce((sum, line) => sum + line.quantity, 0);
      return {
        subject: `Order ${order} received`,
        text: `${hello}\n\nthank you for your order ${order}: ${count} ${count === 1 ? 'item' : 'items'}, ${formatMoney(total)}.\nWe will write again once the payment has gone through.${signature}`,
      };
    }
    case 'OrderPaid': {
      const { items, total } = event.detail;
      const lines = items.map((line) => `  ${line.quantity} × ${line.name}  ${formatMoney(line.lineTotal)}`).join('\n');
      return {
        subject: `Order ${order} is paid`,
        text: `${hello}\n\nyour payment of ${formatMoney(total)} for order ${order} went through:\n\n${lines}\n\nWe are packing it now.${signature}`,
        sms: `Shop: order ${order} is paid (${formatMoney(total)}). Thank you!`,
      };
    }
    case 'OrderCancelled': {
      const { reason, payment } = event.detail;
      const money = whatBecomesOfThePayment(payment);
      return {
        subject: `Order ${order} was cancelled`,
        text: `${hello}\n\nyour order ${order} was cancelled (${reason}). ${money.text}${signature}`,
        sms: `Shop: order ${order} was cancelled (${reason}). ${money.sms}`,
      };
    }
    case 'OrderPaymentFailed': {
      const { reason, payment } = event.detail;
      const money = whatBecomesOfThePayment(payment);
      return {
        subject: `Payment for order ${order} did not go through`,
        text: `${hello}\n\nthe payment for order ${order} did not go through (${reason}), so the order was not completed. ${money.text} You can order again with another payment method.${signature}`,
        sms: `Shop: the payment for order ${order} did not go through (${reason}). ${money.sms}`,
      };
    }
    case 'OrderRefunded': {
      const { amount, reason } = event.detail;
      return {
        subject: `We refunded ${formatMoney(amount)} for order ${order}`,
        text: `${hello}\n\nwe refunded ${formatMoney(amount)} for order ${order} (${reason}). Depending on your bank, it can take a few days to show on your statement.${signature}`,
        sms: `Shop: we refunded ${formatMoney(amount)} for order ${order} (${reason}).`,
      };
    }
  }
}

/**
 * What an order that ended unpaid (cancelled, or its payment failed) did with the customer's
 * money, from its `payment`: absent when no payment was ever attempted.
 */
export function whatBecomesOfThePayment(payment: OrderPayment | undefined): { text: string; sms: string } {
  if (!payment) return { text: 'Nothing was charged.', sms: 'Nothing was charged.' };
  const charged = amounts(payment, 'charged');
  switch (payment.status) {
    case 'DECLINED':
      return { text: 'Nothing was charged.', sms: 'Nothing was charged.' };
    case 'PROCESSING':
      // The outcome is not known yet: promise the refund, not that money was taken.
      return {
        text: 'If your payment went through, it will be refunded in full; a separate message will confirm the refund.',
        sms: 'If your payment went through, it will be refunded in full.',
      };
    case 'CHARGED':
    case 'REFUND_PENDING':
      return {
        text: `The ${charged} you paid will be refunded in full; a separate message will confirm the refund.`,
        sms: `Your ${charged} will be refunded in full.`,
      };
    case 'REFUND_FAILED':
      return {
        text: `The ${charged} you paid will be refunded in full. It is taking longer than it should: our team is on it, and a separate message will confirm the refund.`,
        sms: `Your ${charged} will be refunded in full.`,
      };
    case 'REFUNDED':
      return { text: `The ${amounts(payment, 'refunded')} you paid has been refunded.`, sms: `Your ${amounts(payment, 'refunded')} was refunded.` };
  }
}

/** `$25.00`, or `$25.00 and €15.00` when money was taken in more than one currency: amounts of different currencies are never added up. */
function amounts(payment: OrderPayment, which: 'charged' | 'refunded'): string {
  const all = [payment[which], ...(payment.otherCurrencies ?? []).map((other) => other[which])];
  const some = all.filter((money) => money.amount > 0);
  return (some.length > 0 ? some : [payment[which]]).map(formatMoney).join(' and ');
}

/**
 * "Hi Ann," or, for a name that is empty, too long or could carry a link once made plain (names
 * stored before registration checked them), the plain "Hello,".
 */
export function greeting(name: string): string {
  const plain = plainName(name);
  const showable = plain !== '' && [...plain].length <= GREETING_NAME_MAX && nameProblem(plain) === undefined;
  return showable ? `Hi ${plain},` : 'Hello,';
}

/** The first block of the order's UUID: what a customer can quote to support. */
export function shortId(orderId: string): string {
  return orderId.slice(0, 8).toUpperCase();
}

