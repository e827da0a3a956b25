import type { Contact, Money } from '@shop/domain';
import type { OrderEvent } from './order-event';

/** What a customer gets about one order event: an e-mail, and for the news that matters most an SMS. */
export interface CustomerMessage {
  subject: string;
  text: string;
  /** Short enough for one SMS segment where possible; absent when the event is not worth a text. */
  sms?: string;
}

/** Renders the message for an event, addressed to the customer by name. Pure: the same event always reads the same. */
export function renderMessage(event: OrderEvent, contact: Pick<Contact, 'name'>): CustomerMessage {
  const order = shortId(event.detail.orderId);
  const hello = `Hi ${contact.name},`;
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
    case 'OrderCancelled':
      return {
        subject: `Order ${order} was cancelled`,
        text: `${hello}\n\nyour order ${order} was cancelled (${event.detail.reason}). Nothing was charged.${signature}`,
        sms: `Shop: order ${order} was cancelled (${event.detail.reason}).`,
      };
    case 'OrderPaymentFailed':
      return {
        subject: `Payment for order ${order} did not go through`,
        text: `${hello}\n\nthe payment for order ${order} did not go through (${event.detail.reason}), so the order was not completed. Nothing was charged; you can order again with another payment method.${signature}`,
        sms: `Shop: the payment for order ${order} did not go through (${event.detail.reason}).`,
      };
  }
}

/** The first block of the order's UUID: what a customer can quote to support. */
export function shortId(orderId: string): string {
  return orderId.slice(0, 8).toUpperCase();
}

/** Integer cents as a person reads them: `$12.50`, `€8.00`. */
export function formatMoney(money: Money): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency }).format(money.amount / 100);
}
