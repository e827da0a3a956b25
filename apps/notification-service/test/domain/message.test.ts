import { describe, expect, it } from 'vitest';
import { greeting, renderMessage } from '../../src/domain/message';
import { events, payment } from '../fixtures';

const ann = { name: 'Ann' };

describe('the message for an order event', () => {
  it('thanks the customer for a new order, by name, with what and how much, and sends no SMS', () => {
    const message = renderMessage(events.created(), ann);
    expect(message.subject).toBe('Order 6F1C3F0E received');
    expect(message.text).toContain('Hi Ann,');
    expect(message.text).toContain('2 items, $25.00');
    expect(message.sms).toBeUndefined();
  });

  it('confirms a paid order with its lines, and by SMS too', () => {
    const message = renderMessage(events.paid(), ann);
    expect(message.subject).toBe('Order 6F1C3F0E is paid');
    expect(message.text).toContain('2 × Enamel mug  $25.00');
    expect(message.sms).toBe('Shop: order 6F1C3F0E is paid ($25.00). Thank you!');
  });

  it('tells of a refund with its amount and its order, by e-mail and SMS', () => {
    const message = renderMessage(events.refunded(), ann);
    expect(message.subject).toBe('We refunded $25.00 for order 6F1C3F0E');
    expect(message.text).toContain('Hi Ann,\n\nwe refunded $25.00 for order 6F1C3F0E (order cancelled).');
    expect(message.sms).toBe('Shop: we refunded $25.00 for order 6F1C3F0E (order cancelled).');
  });
});

describe('what a cancelled or failed order says about the money', () => {
  it('says nothing was charged when no payment was ever attempted', () => {
    const cancelled = renderMessage(events.cancelled(), ann);
    expect(cancelled.subject).toBe('Order 6F1C3F0E was cancelled');
    expect(cancelled.text).toContain('your order 6F1C3F0E was cancelled (cancelled by customer). Nothing was charged.');
    expect(cancelled.sms).toBe('Shop: order 6F1C3F0E was cancelled (cancelled by customer). Nothing was charged.');
  });

  it('says nothing was charged when the card was declined', () => {
    const failed = renderMessage(events.paymentFailed(payment('DECLINED', 0)), ann);
    expect(failed.subject).toBe('Payment for order 6F1C3F0E did not go through');
    expect(failed.text).toContain('did not go through (card_declined), so the order was not completed. Nothing was charged. You can order again');
    expect(failed.sms).toBe('Shop: the payment for order 6F1C3F0E did not go through (card_declined). Nothing was charged.');
  });

  it('promises a full refund, if the payment went through, while its outcome is unknown', () => {
    for (const event of [events.cancelled(payment('PROCESSING', 0)), events.paymentFailed(payment('PROCESSING', 0), 'payment window expired')]) {
      const message = renderMessage(event, ann);
      expect(message.text).toContain('If your payment went through, it will be refunded in full; a separate message will confirm the refund.');
      expect(message.sms).toContain('If your payment went through, it will be refunded in full.');
      expect(`${message.text} ${message.sms}`).not.toMatch(/nothing was charged/i);
    }
  });

  it.each(['CHARGED', 'REFUND_PENDING'] as const)('says the amount taken will be refunded in full when the payment is %s', (status) => {
    for (const event of [events.cancelled(payment(status)), events.paymentFailed(payment(status), 'payment window expired')]) {
      const message = renderMessage(event, ann);
      expect(message.text).toContain('The $25.00 you paid will be refunded in full; a separate message will confirm the refund.');
      expect(message.sms).toContain('Your $25.00 will be refunded in full.');
      expect(`${message.text} ${message.sms}`).not.toMatch(/nothing was charged/i);
    }
  });

  it('says a refund that keeps failing is still coming, with a person on it', () => {
    const message = renderMessage(events.cancelled(payment('REFUND_FAILED')), ann);
    expect(message.text).toContain('The $25.00 you paid will be refunded in full. It is taking longer than it should: our team is on it');
    expect(message.text).not.toMatch(/nothing was charged/i);
  });

  it('names the money taken in each currency, never adding different currencies up', () => {
    const inTwo = { ...payment('REFUND_PENDING', 2500), otherCurrencies: [{ charged: { amount: 1500, currency: 'EUR' }, refunded: { amount: 0, currency: 'EUR' } }] };
    const message = renderMessage(events.cancelled(inTwo), ann);
    expect(message.text).toContain('The $25.00 and €15.00 you paid will be refunded in full');
    expect(message.sms).toContain('Your $25.00 and €15.00 will be refunded in full.');
    const onlyOther = { ...payment('REFUNDED', 0, 0), otherCurrencies: [{ charged: { amount: 1500, currency: 'EUR' }, refunded: { amount: 1500, currency: 'EUR' } }] };
    expect(renderMessage(events.paymentFailed(onlyOther), ann).text).toContain('The €15.00 you paid has been refunded.');
  });

  it('says what was refunded when the refund is done already', () => {
    const message = renderMessage(events.paymentFailed(payment('REFUNDED', 2500, 2500)), ann);
    expect(message.text).toContain('The $25.00 you paid has been refunded.');
    expect(message.sms).toContain('Your $25.00 was refunded.');
  });
});

describe('the greeting', () => {
  it('uses the name when it is a plain name', () => {
    expect(greeting('Ann')).toBe('Hi Ann,');
    expect(greeting('Siobhán Ní Dhomhnaill')).toBe('Hi Siobhán Ní Dhomhnaill,');
  });

  it('takes control and invisible characters out of a stored name', () => {
    expect(greeting('Ann\r\n\u0007Lee')).toBe('Hi Ann Lee,');
    expect(greeting('Ann\u202E')).toBe('Hi Ann,');
  });

  it.each([
    ['a link', 'Ann, your parcel is held: https://evil.example/pay'],
    ['a domain', 'Claim at evil.com'],
    ['a domain hidden by an invisible character', 'Claim at evil.\u200Bcom now'],
    ['an e-mail address', 'support@evil'],
    ['www.', 'www.evil'],
    ['nothing but invisible characters', '\u200B\u0000'],
    ['over 60 characters', 'A'.repeat(61)],
  ])('falls back to a plain greeting for a stored name with %s', (_, name) => {
    expect(greeting(name)).toBe('Hello,');
    const message = renderMessage(events.paid(), { name });
    expect(message.text.startsWith('Hello,\n\n')).toBe(true);
    expect(message.text).not.toContain('evil');
  });
});
